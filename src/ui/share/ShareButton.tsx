import { useState } from 'react';
import { useStore } from '../store';
import { Button } from '../common/Button';
import { shareHash } from './share';

/** Copies a link that opens the puzzle on screen. */
export function ShareButton() {
  const [copied, setCopied] = useState<string | null>(null);
  const share = async () => {
    const { settings, puzzles } = useStore.getState();
    const url = `${location.origin}${location.pathname}${await shareHash(settings.task, puzzles[settings.task].present)}`;
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Link copied');
    } catch {
      setCopied(url);
    }
    setTimeout(() => setCopied(null), 4000);
  };
  return (
    <div className="flex items-center gap-2">
      {copied && (
        <span role="status" className="text-xs text-slate-300 max-w-[24rem] truncate" data-testid="share-status">
          {copied}
        </span>
      )}
      <Button onClick={share} title="Copy a link to this puzzle">Share puzzle link</Button>
    </div>
  );
}
