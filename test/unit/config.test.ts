import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config';

describe('configuration', () => {
  it('when NODE_ENV is unset in a production entry point and JWT_SECRET is missing, then it refuses to start naming JWT_SECRET', () => {
    expect(() => loadConfig({})).to.throw(ConfigError, /JWT_SECRET/);
  });

  it('when NODE_ENV is unset in a development tool, then dev defaults apply', () => {
    const config = loadConfig({}, 'development');
    expect(config.isDev).to.equal(true);
    expect(config.PORT).to.equal(3000);
    expect(config.JWT_SECRET).to.have.length.greaterThan(31);
  });

  it('when NODE_ENV=production is set, then a development default does not override it', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' }, 'development')).to.throw(/JWT_SECRET/);
  });

  it('when a variable has a bad value, then the error names the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' }, 'development')).to.throw(ConfigError, /PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' }, 'development')).to.throw(/LOG_LEVEL/);
  });

  it('when HOST is unset, then the API binds loopback in development and every interface in production; HOST overrides both', () => {
    expect(loadConfig({}, 'development').HOST).to.equal('127.0.0.1');
    const secret = { JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(secret).HOST).to.equal('0.0.0.0');
    expect(loadConfig({ ...secret, HOST: '10.0.0.5' }).HOST).to.equal('10.0.0.5');
  });

  it('when booleans and numbers come as strings, then they are coerced', () => {
    const config = loadConfig(
      { TRUST_PROXY: 'true', ACCESS_TOKEN_TTL_SECONDS: '60' },
      'development',
    );
    expect(config.TRUST_PROXY).to.equal(true);
    expect(config.ACCESS_TOKEN_TTL_SECONDS).to.equal(60);
  });
});
