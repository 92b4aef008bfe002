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

  it('when attachment storage is not configured, then attachments are files and the S3 settings keep their defaults', () => {
    const config = loadConfig({}, 'development');
    expect(config.ATTACHMENT_STORAGE).to.equal('file');
    expect(config.S3_REGION).to.equal('us-east-1');
    expect(config.S3_FORCE_PATH_STYLE).to.equal(false);
  });

  it('when ATTACHMENT_STORAGE=s3 has no S3_BUCKET, then it refuses to start naming S3_BUCKET, in production and in development alike', () => {
    const production = { JWT_SECRET: 'x'.repeat(32), ATTACHMENT_STORAGE: 's3' };
    expect(() => loadConfig(production)).to.throw(ConfigError, /S3_BUCKET is required/);
    expect(() => loadConfig({ ATTACHMENT_STORAGE: 's3' }, 'development')).to.throw(/S3_BUCKET/);
    const config = loadConfig({ ...production, S3_BUCKET: 'proofs', S3_FORCE_PATH_STYLE: 'true' });
    expect(config.S3_BUCKET).to.equal('proofs');
    expect(config.S3_FORCE_PATH_STYLE).to.equal(true);
  });

  it('when only one of the S3 access key id and secret is set, then it refuses to start naming both', () => {
    expect(() => loadConfig({ S3_ACCESS_KEY_ID: 'AKIA' }, 'development')).to.throw(
      ConfigError,
      /S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/,
    );
  });

  it('when ATTACHMENT_STORAGE or S3_ENDPOINT has a bad value, then the error names the variable', () => {
    expect(() => loadConfig({ ATTACHMENT_STORAGE: 'ftp' }, 'development')).to.throw(
      /ATTACHMENT_STORAGE/,
    );
    expect(() => loadConfig({ S3_ENDPOINT: 'not a url' }, 'development')).to.throw(/S3_ENDPOINT/);
  });
});
