/**
 * OWASP Machine Learning Security Top 10 (2023), OWASP Top 10 for LLM Applications (2025) and
 * OWASP Top 10 for Agentic Applications (2026): ids with their edition and short names, so
 * reports can name and link what rules cite. Only ids and titles: the lists' texts are
 * share-alike.
 *
 * Sources: the LLM list at https://genai.owasp.org/llm-top-10/ (2025 edition, LLM01-LLM10);
 * the agentic list at
 * https://genai.owasp.org/resource/owasp-top-10-for-agentic-applications-for-2026/
 * ("OWASP Top 10 for Agentic Applications 2026", v1.0, December 2025, ASI01-ASI10), which has no
 * page per entry, so every ASI id links to the list.
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

const AGENTIC_2026_URL =
  'https://genai.owasp.org/resource/owasp-top-10-for-agentic-applications-for-2026/';
const asi = (n: number, name: string): OwaspEntry => ({
  id: `ASI${String(n).padStart(2, '0')}:2026`,
  name,
  url: AGENTIC_2026_URL,
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
  asi(1, 'Agent Goal Hijack'),
  asi(2, 'Tool Misuse and Exploitation'),
  asi(3, 'Identity and Privilege Abuse'),
  asi(4, 'Agentic Supply Chain Vulnerabilities'),
  asi(5, 'Unexpected Code Execution'),
  asi(6, 'Memory and Context Poisoning'),
  asi(7, 'Insecure Inter-Agent Communication'),
  asi(8, 'Cascading Failures'),
  asi(9, 'Human-Agent Trust Exploitation'),
  asi(10, 'Rogue Agents'),
];

export const OWASP_BY_ID: ReadonlyMap<string, OwaspEntry> = new Map(OWASP.map((o) => [o.id, o]));
