export * from './analysis/analysis-run';
export * from './gitops/runtime-ownership';
