import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseLocalAwsArgs, UsageError } from '../../local/sam/cli-args';
import { LOCAL_AWS_PORTS } from '../../local/sam/settings';

/** `npm run local:aws -- …`: where it listens by default, and clear errors for what it cannot use. */
const docker0 = {
  docker0: [
    { address: 'fe80::42:1', family: 'IPv6' } as NetworkInterfaceInfo,
    { address: '172.17.0.1', family: 'IPv4' } as NetworkInterfaceInfo,
  ],
};
const parse = (
  argv: string[],
  env: Record<string, string> = {},
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = {},
) => parseLocalAwsArgs(argv, env, interfaces);

describe('npm run local:aws arguments', () => {
  it('serves on the fixed ports, on the Docker bridge when there is one, else on loopback', () => {
    expect(parse([], {}, docker0)).toEqual({
      command: 'serve',
      host: '172.17.0.1',
      hostFrom: 'docker0',
      reachAs: undefined,
      ports: LOCAL_AWS_PORTS,
    });
    expect(parse([])).toMatchObject({ host: '127.0.0.1', hostFrom: 'loopback' });
  });

  it('takes the host from --host, then LOCAL_AWS_HOST, before the bridge', () => {
    expect(parse(['--host', '0.0.0.0'], { LOCAL_AWS_HOST: '10.0.0.5' }, docker0)).toMatchObject({
      host: '0.0.0.0',
      hostFrom: '--host',
    });
    expect(parse([], { LOCAL_AWS_HOST: '10.0.0.5' }, docker0)).toMatchObject({
      host: '10.0.0.5',
      hostFrom: 'LOCAL_AWS_HOST',
    });
  });

  it('reads inspect, other ports and the name containers use', () => {
    expect(
      parse([
        'inspect',
        '--sqs-port',
        '19324',
        '--dynamodb-port',
        '18000',
        '--kombo-port',
        '13100',
        '--reach-as',
        'h.local',
      ]),
    ).toMatchObject({ command: 'inspect', reachAs: 'h.local', ports: { sqs: 19324, dynamodb: 18000, kombo: 13100 } });
    expect(parse(['--help']).command).toBe('help');
  });

  it.each([
    [['serve'], /unknown command "serve" \(expected inspect, or none to serve\)/],
    [['--hots', '1.2.3.4'], /Unknown option '--hots'/],
    [['--host', 'docker0'], /--host must be an IP address to listen on, e\.g\. 127\.0\.0\.1, got "docker0"/],
    [['--sqs-port', '0'], /--sqs-port must be a port from 1 to 65535, got "0"/],
    [['--kombo-port', '70000'], /--kombo-port must be a port from 1 to 65535, got "70000"/],
    [['--dynamodb-port', '9324'], /--sqs-port, --dynamodb-port and --kombo-port must differ/],
    [['--reach-as', 'http://x'], /--reach-as must be a host name/],
  ])('refuses %j, saying why', (argv, message) => {
    expect(() => parse(argv)).toThrow(UsageError);
    expect(() => parse(argv)).toThrow(message);
  });

  it('refuses a LOCAL_AWS_HOST that is not an IP address, naming the variable', () => {
    expect(() => parse([], { LOCAL_AWS_HOST: 'localhost' })).toThrow(/LOCAL_AWS_HOST must be an IP address/);
  });
});
