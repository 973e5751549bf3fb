/**
 * The terminal's size, following resizes. Ink re-lays out on resize by
 * itself only outside CI; re-rendering from here makes the layout follow the
 * terminal everywhere, and gives screens the height Ink does not.
 */
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

const read = (out: NodeJS.WriteStream): TerminalSize => ({
  columns: out.columns > 0 ? out.columns : 80,
  rows: out.rows > 0 ? out.rows : 24,
});

export function useTerminalSize(): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => read(stdout));
  useEffect(() => {
    const onResize = () => setSize(read(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
