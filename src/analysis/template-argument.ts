import type { AnalysisTemplateSpecArgs } from '../imports/analysistemplate-argoproj.io';
import { Problems } from '../private/problems';
import type { Wire } from '../private/wire';

const ARG_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * An argument an analysis template declares. Metrics read it as `{{args.<name>}}`
 * (see `placeholder`).
 */
export class TemplateArgument {
  /**
   * An argument without a value: every analysis that runs the template must supply it
   * (e.g. with `AnalysisArgument.value()` or `AnalysisArgument.podTemplateHash()`).
   */
  public static required(name: string): TemplateArgument {
    return new TemplateArgument(name, {}, true);
  }

  /** An argument with a default value, which an analysis may override. */
  public static withDefault(name: string, value: string): TemplateArgument {
    return new TemplateArgument(name, { value }, false);
  }

  /**
   * An argument read from a key of a Secret in the namespace of the analysis run, e.g. an API
   * token. The value never appears in the manifests.
   */
  public static fromSecret(name: string, secretName: string, key: string): TemplateArgument {
    return new TemplateArgument(name, { valueFrom: { secretKeyRef: { name: secretName, key } } }, false);
  }

  private constructor(
    /** The argument name. */
    public readonly name: string,
    private readonly source: Wire<Omit<AnalysisTemplateSpecArgs, 'name'>>,
    /** Whether every analysis that runs the template must supply a value. */
    public readonly isRequired: boolean) {}

  /** The text a metric uses to read the argument: `{{args.<name>}}`. */
  public get placeholder(): string {
    return `{{args.${this.name}}}`;
  }

  /** @internal */
  /**
   * The argument's literal value, if it has one (a default); used to find merged templates
   * that give one argument different values.
   * @internal
   */
  public get _value(): string | undefined {
    return this.source.value;
  }

  /** Records the problems of the argument in `problems`. @internal */
  public _addProblemsTo(problems: Problems): void {
    if (!ARG_NAME.test(this.name)) {
      problems.add('argument name is invalid', this.name, 'use letters, digits, \'-\', \'_\' or \'.\'');
    }
    const ref = this.source.valueFrom?.secretKeyRef;
    if (ref && (!ref.name || !ref.key)) {
      problems.add(`argument "${this.name}" reads a Secret without a name or a key`, ref, 'give both a Secret name and a key');
    }
  }

  /** @internal */
  public _toKube(): Wire<AnalysisTemplateSpecArgs> {
    return { name: this.name, ...this.source };
  }
}
