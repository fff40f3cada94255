import { phoneNumberFacts } from './phone-number-facts';

describe('phoneNumberFacts', () => {
  it.each([
    ['+4930123456789', 'DE', 'local'],
    ['+4989123456701', 'DE', 'local'],
    ['+4915112345678', 'DE', 'mobile'],
    ['+4980012345678', 'DE', 'toll_free'],
    ['+442071838750', 'GB', 'local'],
    ['+447400123456', 'GB', 'mobile'],
    ['+443001234567', 'GB', 'national'],
    ['+448001234567', 'GB', 'toll_free'],
    ['+441481712345', 'GG', 'local'],
    ['+33123456789', 'FR', 'local'],
    ['+33612345678', 'FR', 'mobile'],
    ['+33912345678', 'FR', 'national'],
    ['+12125550123', 'US', 'local'],
    ['+14165550123', 'CA', 'local'],
    ['+18005551234', 'US', 'toll_free'],
  ])('%s is a %s %s number', (e164, country, numberType) => {
    expect(phoneNumberFacts(e164)).toEqual({ e164, country, numberType });
  });

  it.each(['+4420', '+44201234', '+4930', '+999123456789', '+12120550123', '+4915', '+100000000'])('%s is no assigned number', (e164) => {
    expect(phoneNumberFacts(e164)).toEqual({ problem: 'invalid' });
  });

  it('refuses a number written with the national trunk prefix after the country code', () => {
    expect(phoneNumberFacts('+4903012345678')).toEqual({ problem: 'not_canonical', canonical: '+493012345678' });
    // Italy keeps its leading 0 in E.164: the same digits are canonical there.
    expect(phoneNumberFacts('+390612345678')).toEqual({ e164: '+390612345678', country: 'IT', numberType: 'local' });
  });

  it.each([
    ['+499001234567', 'PREMIUM_RATE'],
    ['+4918012345678', 'SHARED_COST'],
    ['+447012345678', 'PERSONAL_NUMBER'],
    ['+80012345678', 'GLOBAL_SERVICE'],
  ])('%s is a kind of number not sold (%s)', (e164, kind) => {
    expect(phoneNumberFacts(e164)).toEqual({ problem: 'unsupported_type', kind });
  });
});
