import { type Queue, queueCountText } from '../api/alert-queue';

/**
 * HZ-02: when a queue is too long to read in full (`MAX_QUEUE_PAGES`), say so where the nurse looks
 * first, with how many are shown of how many — never a list that silently stops.
 */
export function QueueShortfall({ queue, what, hint }: { queue: Queue<unknown>; what: string; hint: string }) {
  if (queue.complete) return null;
  return (
    <div className="nhsuk-warning-callout" data-testid="queue-shortfall">
      <h2 className="nhsuk-warning-callout__label">
        <span role="text">
          <span className="nhsuk-u-visually-hidden">Important: </span>
          Not every alert is shown
        </span>
      </h2>
      <p>
        {queueCountText(queue, what)}, the most severe first. {hint}
      </p>
    </div>
  );
}
