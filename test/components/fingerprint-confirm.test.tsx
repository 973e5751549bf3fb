import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { FingerprintConfirm } from '../../components/FingerprintConfirm.js';
import { fingerprintMatches } from '../../src/domain/host-key-fingerprint.js';

const FP = 'SHA256:n3Wq4a+Vh1X0c9z7yQm2Lk5pE8rT6uJ1bF4dG7hK0sA';

const view = (typed: string, isRejected = false, isColor = false) =>
  render(
    <FingerprintConfirm
      host="pve1"
      address="192.0.2.10"
      fingerprint={FP}
      keyType="ED25519"
      consoleCommand="ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub"
      typed={typed}
      isRejected={isRejected}
      width={80}
      height={14}
      isColor={isColor}
    />,
  ).lastFrame() ?? '';

describe('trusting a new host key by its typed fingerprint', () => {
  it('takes only the same fingerprint, with or without SHA256:, and never a part or a different case', () => {
    expect(fingerprintMatches(FP, FP)).toBe(true);
    expect(fingerprintMatches(FP.slice('SHA256:'.length), FP)).toBe(true);
    expect(fingerprintMatches(`  ${FP}  `, FP)).toBe(true);
    expect(fingerprintMatches(FP.slice(0, -1), FP)).toBe(false);
    expect(fingerprintMatches(FP.toLowerCase(), FP)).toBe(false);
    expect(fingerprintMatches('', FP)).toBe(false);
    expect(fingerprintMatches('SHA256:', 'SHA256:')).toBe(false);
  });

  it('shows the key received, the console command to compare with, and what was typed; no hint while it does not match', () => {
    const frame = view('n3Wq4a');
    expect(frame).toContain('pve1 (192.0.2.10) answers with a NEW host key');
    expect(frame).toContain(`ED25519 ${FP}`);
    expect(frame).toContain('$ ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub');
    expect(frame).toContain('> n3Wq4a▏');
    expect(frame).toContain('Esc: back (nothing is trusted).');
    expect(frame).not.toContain('Enter trusts');
    expect(view(FP)).toContain('Enter trusts this key and writes it to known_hosts.');
  });

  it('says a wrong fingerprint trusts nothing, in words that read without colour', () => {
    const frame = view('SHA256:wrong', true);
    expect(frame).toContain('▲ That is not the fingerprint received: the key is NOT trusted');
    expect(frame.split('\n').every((l) => [...l].length <= 80)).toBe(true);
  });
});
