/**
 * OWASP Machine Learning Security Top 10 (2023) and OWASP Top 10 for LLM Applications (2025):
 * ids and short names, so reports can name and link what rules cite.
 */
export interface OwaspEntry {
  readonly id: string;
  readonly name: string;
  readonly url: string;
}

const ml = (n: number, name: string, slug: string): OwaspEntry => ({
  id: `ML${String(n).padStart(2, '0')}:2023`,
  name,
  url: `https://owasp.org/www-project-machine-learning-security-top-10/docs/ML${String(n).padStart(2, '0')}_2023-${slug}`,
});
const llm = (n: number, name: string, slug: string): OwaspEntry => ({
  id: `LLM${String(n).padStart(2, '0')}:2025`,
  name,
  url: `https://genai.owasp.org/llmrisk/llm${String(n).padStart(2, '0')}-${slug}/`,
});

export const OWASP: readonly OwaspEntry[] = [
  ml(1, 'Input Manipulation Attack', 'Input_Manipulation_Attack'),
  ml(2, 'Data Poisoning Attack', 'Data_Poisoning_Attack'),
  ml(3, 'Model Inversion Attack', 'Model_Inversion_Attack'),
  ml(4, 'Membership Inference Attack', 'Membership_Inference_Attack'),
  ml(5, 'Model Theft', 'Model_Theft'),
  ml(6, 'AI Supply Chain Attacks', 'AI_Supply_Chain_Attacks'),
  ml(7, 'Transfer Learning Attack', 'Transfer_Learning_Attack'),
  ml(8, 'Model Skewing', 'Model_Skewing'),
  ml(9, 'Output Integrity Attack', 'Output_Integrity_Attack'),
  ml(10, 'Model Poisoning', 'Model_Poisoning'),
  llm(1, 'Prompt Injection', 'prompt-injection'),
  llm(2, 'Sensitive Information Disclosure', 'sensitive-information-disclosure'),
  llm(3, 'Supply Chain', 'supply-chain'),
  llm(4, 'Data and Model Poisoning', 'data-and-model-poisoning'),
  llm(5, 'Improper Output Handling', 'improper-output-handling'),
  llm(6, 'Excessive Agency', 'excessive-agency'),
  llm(7, 'System Prompt Leakage', 'system-prompt-leakage'),
  llm(8, 'Vector and Embedding Weaknesses', 'vector-and-embedding-weaknesses'),
  llm(9, 'Misinformation', 'misinformation'),
  llm(10, 'Unbounded Consumption', 'unbounded-consumption'),
];

export const OWASP_BY_ID: ReadonlyMap<string, OwaspEntry> = new Map(OWASP.map((o) => [o.id, o]));
