import { SloRecordingRules } from '../../src/analysis/slo-recording-rules';

describe('SloRecordingRules', () => {
  test('sloth() selects the Sloth error-ratio rule of a window', () => {
    const rules = SloRecordingRules.sloth('checkout', 'availability');
    expect(rules.selectorTemplate).toBe('slo:sli_error:ratio_rate{window}{sloth_service="checkout",sloth_slo="availability"}');
    expect(rules.errorRatio('30m')).toBe('slo:sli_error:ratio_rate30m{sloth_service="checkout",sloth_slo="availability"}');
  });

  test('pyrra() selects the Pyrra burnrate rule of a window', () => {
    expect(SloRecordingRules.pyrra('http_requests', 'checkout-availability').errorRatio('6h'))
      .toBe('http_requests:burnrate6h{slo="checkout-availability"}');
  });

  test('custom() replaces every {window} in the selector', () => {
    expect(SloRecordingRules.custom('errors:ratio_rate{window}{w="{window}"}').errorRatio('1h')).toBe('errors:ratio_rate1h{w="1h"}');
  });

  test('custom() without a selector fails', () => {
    expect(() => SloRecordingRules.custom('')).toThrow('[SloRecordingRules.custom] the selector must contain "{window}"; got ""');
  });

  test.each([
    ['sloth service', () => SloRecordingRules.sloth('', 'availability'), ''],
    ['sloth slo', () => SloRecordingRules.sloth('checkout', 'a"b'), 'a"b'],
    ['pyrra recordingPrefix', () => SloRecordingRules.pyrra('http\\requests', 'slo'), 'http\\requests'],
    ['pyrra slo', () => SloRecordingRules.pyrra('http_requests', 'x\ny'), 'x\ny'],
  ])('a %s that would break the label selector fails', (what, make, value) => {
    expect(make).toThrow(`[SloRecordingRules] ${what} must be a non-empty label value without quotes, backslashes or newlines; got ${JSON.stringify(value)}`);
  });
});
