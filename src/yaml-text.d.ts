/** YAML files imported by the code (built-in rule packs) arrive as their text. */
declare module '*.yaml' {
  const text: string;
  export default text;
}
