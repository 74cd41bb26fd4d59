// Internal: the generated L1 modules of src/imports (0.1 to 0.3 MB of JavaScript each) load when
// a construct first needs one, not at `require('cdk8s-rollouts')` (issue #17: they were about
// half of the library's require time). Elsewhere import them with `import type` only, and get
// their classes and values from these functions. Not part of the public API.
/* eslint-disable @typescript-eslint/no-require-imports */
type AnalysisTemplateModule = typeof import('../imports/analysistemplate-argoproj.io');
type ApplicationModule = typeof import('../imports/application-argoproj.io');
type AppProjectModule = typeof import('../imports/appproject-argoproj.io');
type DestinationRuleModule = typeof import('../imports/destinationrule-networking.istio.io');
type VirtualServiceModule = typeof import('../imports/virtualservice-networking.istio.io');

let analysisTemplate: AnalysisTemplateModule | undefined;
let application: ApplicationModule | undefined;
let appProject: AppProjectModule | undefined;
let destinationRule: DestinationRuleModule | undefined;
let virtualService: VirtualServiceModule | undefined;

/** The L1 module of `argoproj.io` AnalysisTemplate. */
export function analysisTemplateL1(): AnalysisTemplateModule {
  return analysisTemplate ??= require('../imports/analysistemplate-argoproj.io');
}

/** The L1 module of the Argo CD Application. */
export function applicationL1(): ApplicationModule {
  return application ??= require('../imports/application-argoproj.io');
}

/** The L1 module of the Argo CD AppProject. */
export function appProjectL1(): AppProjectModule {
  return appProject ??= require('../imports/appproject-argoproj.io');
}

/** The L1 module of the Istio DestinationRule. */
export function destinationRuleL1(): DestinationRuleModule {
  return destinationRule ??= require('../imports/destinationrule-networking.istio.io');
}

/** The L1 module of the Istio VirtualService. */
export function virtualServiceL1(): VirtualServiceModule {
  return virtualService ??= require('../imports/virtualservice-networking.istio.io');
}
