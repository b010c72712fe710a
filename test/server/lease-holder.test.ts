import { decodeHolder, encodeHolder, holderIsDead, type LeaseHolder } from '../../src/server/store/lease-holder.js';

const self = { machine: 'web-1|pid:[4026531836]', boot: 'boot-a', pid: 4242, process: 'proc-self' };
const holder = (patch: Partial<LeaseHolder>): LeaseHolder => ({ owner: 'run', ...self, pid: 5151, process: 'proc-other', ...patch });
const alive = (pids: number[]) => (pid: number) => pids.includes(pid);

describe('a run lease holder', () => {
  it('is dead when its process is gone from this machine', () => {
    expect(holderIsDead(holder({}), self, alive([]))).toBe(true);
    expect(holderIsDead(holder({}), self, alive([5151]))).toBe(false);
  });

  it('is dead when it had our PID in an earlier process (PID 1 in a restarted container), alive when it is us', () => {
    expect(holderIsDead(holder({ pid: 4242, process: 'proc-before-restart' }), self, alive([4242]))).toBe(true);
    expect(holderIsDead(holder({ pid: 4242, process: 'proc-self' }), self, alive([4242]))).toBe(false);
  });

  it('is dead when this machine rebooted since it took the lease, whatever now has its PID', () => {
    expect(holderIsDead(holder({ boot: 'boot-before' }), self, alive([5151]))).toBe(true);
  });

  it('on another machine or PID namespace cannot be judged: presumed alive until its lease lapses', () => {
    expect(holderIsDead(holder({ machine: 'web-2|pid:[4026531836]' }), self, alive([]))).toBe(false);
    expect(holderIsDead(holder({ machine: 'web-1|pid:[4026532999]' }), self, alive([]))).toBe(false);
  });

  it('is stored as text and read back; rows from before holders were recorded read as unknown', () => {
    const stored = encodeHolder('instance-1:run-7', self);
    expect(decodeHolder(stored)).toEqual({ owner: 'instance-1:run-7', ...self });
    expect(decodeHolder('instance-1:1b4e28ba-2fa1-11d2-883f-0016d3cca427')).toBeNull();
    expect(decodeHolder('{"owner":"x"}')).toBeNull();
  });
});
