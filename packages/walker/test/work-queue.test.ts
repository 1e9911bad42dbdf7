// The in-process queue's protocol, without threads: InProcessQueue driven with fake
// workers that record what they are sent, PortWorkSource over a MessageChannel.
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { DirectoryItem } from '../src/directory-item.js';
import { Control, createSharedState } from '../src/progress-counters.js';
import { InProcessQueue, PortWorkSource, type DispatchMessage, type WorkerMessage } from '../src/work-queue.js';

function dir(name: string): DirectoryItem {
  return { rel: Buffer.from(name), ino: 1n, dev: 1n, depth: 1, up: null };
}

function names(message: DispatchMessage | undefined): string[] | 'finish' | undefined {
  if (message === undefined) return undefined;
  return message.type === 'finish' ? 'finish' : message.items.map((item) => item.rel.toString());
}

function fakeWorkers(count: number): { workers: Worker[]; sent: DispatchMessage[][] } {
  const sent: DispatchMessage[][] = Array.from({ length: count }, () => []);
  const workers = sent.map((inbox) => ({ postMessage: (message: DispatchMessage) => inbox.push(message) }) as unknown as Worker);
  return { workers, sent };
}

describe('InProcessQueue', () => {
  it('splits what is given among the idle workers, the newest directories to the last one idle', () => {
    const { workers, sent } = fakeWorkers(3);
    const control = createSharedState(3).control;
    const hungry = () => Atomics.load(new Int32Array(control), Control.hungry);
    const queue = new InProcessQueue(workers, control);

    queue.onIdle(0);
    expect(hungry()).toBe(1);
    queue.onIdle(1);
    expect(hungry()).toBe(2);
    queue.onGive(['a', 'b', 'c', 'd', 'e'].map(dir));
    // Two idle for five: ceil(5 / 2) = 3 from the end to thread 1 (idle last), the other 2 to thread 0.
    expect(sent[1]!.map(names)).toEqual([['c', 'd', 'e']]);
    expect(sent[0]!.map(names)).toEqual([['a', 'b']]);
    expect(sent[2]).toEqual([]);
    expect(hungry()).toBe(0);
    expect(queue.pendingCount).toBe(0);
  });

  it('keeps what is given while nobody is idle, and hands it to the next idle worker whole', () => {
    const { workers, sent } = fakeWorkers(2);
    const queue = new InProcessQueue(workers, createSharedState(2).control);
    queue.onGive(['a', 'b'].map(dir));
    expect(queue.pendingCount).toBe(2);
    queue.onIdle(1);
    expect(sent[1]!.map(names)).toEqual([['a', 'b']]);
    expect(queue.pendingCount).toBe(0);
  });

  it('finishes every worker once all are idle with nothing pending, and any that turns idle afterwards', () => {
    const { workers, sent } = fakeWorkers(3);
    const queue = new InProcessQueue(workers, createSharedState(3).control);
    queue.onIdle(2);
    queue.onIdle(0);
    expect(sent.flat()).toEqual([]);
    queue.onIdle(1);
    expect(sent.map((inbox) => inbox.map(names))).toEqual([['finish'], ['finish'], ['finish']]);
    queue.onIdle(1);
    expect(sent[1]!.map(names)).toEqual(['finish', 'finish']);
  });

  it('finish() ends the walk early: the idle workers at once, the busy ones when they next turn idle', () => {
    const { workers, sent } = fakeWorkers(2);
    const queue = new InProcessQueue(workers, createSharedState(2).control);
    queue.onIdle(0);
    queue.finish();
    queue.finish();
    expect(sent[0]!.map(names)).toEqual(['finish']);
    expect(sent[1]).toEqual([]);
    queue.onGive([dir('late')]);
    queue.onIdle(1);
    expect(sent[1]!.map(names)).toEqual(['finish']);
  });
});

describe('PortWorkSource', () => {
  const ports: MessagePort[] = [];
  afterEach(() => {
    for (const port of ports.splice(0)) port.close();
  });

  function connect(): { source: PortWorkSource; main: MessagePort; control: SharedArrayBuffer } {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const control = createSharedState(1).control;
    return { source: new PortWorkSource(port1, control), main: port2, control };
  }

  function nextMessage(port: MessagePort): Promise<WorkerMessage> {
    return new Promise((resolve) => port.once('message', resolve));
  }

  it('take() says idle, then resolves with the directories sent, their paths Buffers again', async () => {
    const { source, main } = connect();
    const idle = nextMessage(main);
    const taken = source.take();
    expect(await idle).toEqual({ type: 'idle' });
    main.postMessage({ type: 'work', items: [dir('x/y'), dir('z')] } satisfies DispatchMessage);
    const items = (await taken)!;
    expect(items.map((item) => Buffer.isBuffer(item.rel))).toEqual([true, true]);
    expect(items.map((item) => item.rel.toString())).toEqual(['x/y', 'z']);
  });

  it('take() resolves null on finish', async () => {
    const { source, main } = connect();
    const idle = nextMessage(main);
    const taken = source.take();
    await idle;
    main.postMessage({ type: 'finish' } satisfies DispatchMessage);
    expect(await taken).toBeNull();
  });

  it('give() posts the directories; wantsWork() reads the hungry word', async () => {
    const { source, main, control } = connect();
    const given = nextMessage(main);
    source.give([dir('spare')]);
    const message = await given;
    expect(message.type === 'give' && Buffer.from(message.items[0]!.rel).toString()).toBe('spare');
    expect(source.wantsWork()).toBe(false);
    Atomics.store(new Int32Array(control), Control.hungry, 2);
    expect(source.wantsWork()).toBe(true);
  });
});
