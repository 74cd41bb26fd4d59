export * from './target-group-verification';
export * from './controller-role';
