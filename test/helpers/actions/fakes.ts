/** One strict fake runner per host; `assertAll()` in afterEach proves every expected command ran and no other. */
import { FakeRunner } from '../fake-runner.js';

export class FakeHosts {
  private readonly runners = new Map<string, FakeRunner>();

  host(name: string): FakeRunner {
    let r = this.runners.get(name);
    if (!r) {
      r = new FakeRunner(name);
      this.runners.set(name, r);
    }
    return r;
  }

  readonly runnerFor = (name: string): FakeRunner => this.host(name);

  assertAll(): void {
    for (const r of this.runners.values()) r.assertDone();
  }
}
