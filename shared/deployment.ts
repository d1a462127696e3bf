// Names shared by the CDK app and the tools that act on a deployed stage.

export function stackName(stage: string, capability: 'Data' | 'Api' | 'Site' | 'Email' | 'Pipeline' | 'Ops'): string {
  return `Communique-${stage}-${capability}`;
}
