/**
 * What Strata ran, when, with what result: the journal newest first, with
 * the selected entry's commands (secrets redacted) and verify results below.
 * Read when shown and after each job.
 */
import { Box, Text } from 'ink';
import { useEffect } from 'react';
import { DataTable } from '../components/DataTable.js';
import { Pane } from '../components/Pane.js';
import { JOURNAL_COLUMNS, journalRows, resultWord } from './rows/journal-rows.js';
import type { ScreenProps, ScreenSpec } from './screen-spec.js';
import { useStoreContext } from './store-context.js';
import { useScreen } from './use-screen.js';

const DETAIL = 6;

function JournalScreen({ route, width, height }: ScreenProps<'journal'>) {
  const { store } = useStoreContext();
  const { panes, cursors, isColor, state } = useScreen(journalScreen, route);
  useEffect(() => {
    void store.getState().loadJournal();
  }, [store]);
  const list = panes[0];
  const { entries, loading, error } = state.journal;
  const selectedRow = list?.rows[cursors[0] ?? 0];
  const entry = entries.find((e) => `j:${e.id}` === selectedRow?.key);
  const tableHeight = Math.max(3, height - DETAIL - 1);
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Pane title={`Journal (${list?.rows.length ?? 0}${loading ? ', reading…' : ''})`} isFocused width={width} height={tableHeight + 1}>
        {error ? <Text>{`✖ The journal could not be read: ${error}`}</Text> : null}
        {list ? (
          <DataTable columns={list.columns} rows={list.rows} selected={cursors[0] ?? 0} width={width} height={tableHeight} isColor={isColor} isFocused emptyText={list.emptyText} />
        ) : null}
      </Pane>
      <Box flexDirection="column" height={DETAIL}>
        {entry ? (
          <>
            <Text bold wrap="truncate-end">{`${entry.title} — ${resultWord(entry)}${entry.user ? ` (by ${entry.user})` : ''} on ${entry.hosts.join(', ')}`}</Text>
            {entry.commands.slice(0, DETAIL - 2).map((c, i) => (
              <Text key={i} wrap="truncate-end">{`  $ ${c}`}</Text>
            ))}
            {entry.commands.length > DETAIL - 2 ? <Text dimColor>{`  … ${entry.commands.length - (DETAIL - 2)} more commands`}</Text> : null}
          </>
        ) : (
          <Text dimColor>Select an entry to see its commands.</Text>
        )}
      </Box>
    </Box>
  );
}

export const journalScreen: ScreenSpec<'journal'> = {
  kind: 'journal',
  name: 'Journal',
  summary: 'What Strata ran, when, by whom, with what result; the commands of the selected entry.',
  bindings: [],
  reads: ['journal'],
  title: () => 'journal',
  panes: (state) => [
    { id: 'entries', title: 'Journal', columns: JOURNAL_COLUMNS, rows: journalRows(state.journal.entries), emptyText: state.journal.available ? 'nothing run yet' : 'this session has no journal' },
  ],
  Component: JournalScreen,
};
