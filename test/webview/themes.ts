/**
 * The `--vscode-*` variables and body classes VS Code sets on a webview, for the three theme
 * kinds (values from the default Light Modern, Dark Modern and High Contrast themes). The
 * Chromium tests apply them exactly as VS Code does: variables on `<html style>`, a class on
 * `<body>` and `data-vscode-theme-kind`.
 */
export interface TestTheme {
  readonly name: 'light' | 'dark' | 'high-contrast';
  readonly bodyClass: string;
  readonly variables: Readonly<Record<string, string>>;
}

const common = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"Droid Sans Mono", monospace',
};

export const THEMES: readonly TestTheme[] = [
  {
    name: 'light',
    bodyClass: 'vscode-light',
    variables: {
      ...common,
      '--vscode-foreground': '#3b3b3b',
      '--vscode-editor-foreground': '#3b3b3b',
      '--vscode-editor-background': '#ffffff',
      '--vscode-descriptionForeground': '#717171',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-editorWidget-background': '#f8f8f8',
      '--vscode-editorWidget-border': '#c8c8c8',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-sideBar-background': '#f8f8f8',
      '--vscode-editorLineNumber-foreground': '#6e7681',
      '--vscode-editor-selectionBackground': '#add6ff',
      '--vscode-textLink-foreground': '#005fb8',
      '--vscode-charts-red': '#e51400',
      '--vscode-charts-orange': '#d18616',
      '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-blue': '#1a85ff',
      '--vscode-charts-purple': '#652d90',
      '--vscode-editorError-foreground': '#e51400',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-button-background': '#005fb8',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-input-background': '#ffffff',
      '--vscode-input-foreground': '#3b3b3b',
      '--vscode-input-border': '#cecece',
    },
  },
  {
    name: 'dark',
    bodyClass: 'vscode-dark',
    variables: {
      ...common,
      '--vscode-foreground': '#cccccc',
      '--vscode-editor-foreground': '#cccccc',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-editorWidget-background': '#202020',
      '--vscode-editorWidget-border': '#454545',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-sideBar-background': '#181818',
      '--vscode-editorLineNumber-foreground': '#6e7681',
      '--vscode-editor-selectionBackground': '#264f78',
      '--vscode-textLink-foreground': '#4daafc',
      '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-orange': '#cca700',
      '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-editorError-foreground': '#f14c4c',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-input-background': '#313131',
      '--vscode-input-foreground': '#cccccc',
      '--vscode-input-border': '#3c3c3c',
    },
  },
  {
    name: 'high-contrast',
    bodyClass: 'vscode-high-contrast',
    variables: {
      ...common,
      '--vscode-foreground': '#ffffff',
      '--vscode-editor-foreground': '#ffffff',
      '--vscode-editor-background': '#000000',
      '--vscode-descriptionForeground': '#ffffff',
      '--vscode-focusBorder': '#f38518',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-editorWidget-background': '#0c141f',
      '--vscode-editorWidget-border': '#6fc3df',
      '--vscode-sideBar-background': '#000000',
      '--vscode-editorLineNumber-foreground': '#ffffff',
      '--vscode-editor-selectionBackground': '#ffffff',
      '--vscode-textLink-foreground': '#21a6ff',
      '--vscode-charts-red': '#f48771',
      '--vscode-charts-orange': '#ffa500',
      '--vscode-charts-yellow': '#ffff00',
      '--vscode-charts-blue': '#3794ff',
      '--vscode-charts-purple': '#b180d7',
      '--vscode-editorError-foreground': '#f48771',
      '--vscode-editorWarning-foreground': '#ffd370',
      '--vscode-button-background': '#000000',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#6fc3df',
      '--vscode-input-background': '#000000',
      '--vscode-input-foreground': '#ffffff',
      '--vscode-input-border': '#6fc3df',
    },
  },
];
