package stats

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Store is where a Journal writes. *knowledge/sqlite.Store implements it.
type Store interface {
	RecordQuestion(ctx context.Context, q Question) error
	RecordVote(ctx context.Context, v Vote) error
	// ForgetText empties the text of questions and comments from before t.
	ForgetText(ctx context.Context, before time.Time) (int, error)
}

// JournalOptions configure a Journal.
type JournalOptions struct {
	// Retention is how long question text and comments are kept; 0 keeps
	// none.
	Retention time.Duration
	// Dropped, when set, is called for each record not written.
	Dropped func()
	Logger  *slog.Logger
}

// Journal writes records to a Store in the background, one short
// transaction each, so that no answer waits for the index: a record that
// finds the queue full, or whose write fails, is dropped and logged. It
// also forgets text past the retention period: when it starts, and every
// hour.
type Journal struct {
	st    Store
	opts  JournalOptions
	queue chan func(context.Context) error

	mu     sync.Mutex
	closed bool
	done   chan struct{}
	stop   chan struct{}
	warned bool
}

// journalQueue is how many records may wait to be written.
const journalQueue = 4096

// pruneEvery is how often text past the retention period is forgotten.
const pruneEvery = time.Hour

// writeTimeout bounds one record's write.
const writeTimeout = 5 * time.Second

// NewJournal starts a Journal writing to st.
func NewJournal(st Store, opts JournalOptions) *Journal {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	j := &Journal{st: st, opts: opts, queue: make(chan func(context.Context) error, journalQueue),
		done: make(chan struct{}), stop: make(chan struct{})}
	go j.run()
	return j
}

// Question records q (without its text when none is kept).
func (j *Journal) Question(q Question) {
	if j.opts.Retention <= 0 {
		q.Text = ""
	}
	j.add(func(ctx context.Context) error { return j.st.RecordQuestion(ctx, q) })
}

// Vote records v (without its comment when no text is kept).
func (j *Journal) Vote(v Vote) {
	if j.opts.Retention <= 0 {
		v.Comment = ""
	}
	j.add(func(ctx context.Context) error { return j.st.RecordVote(ctx, v) })
}

func (j *Journal) add(write func(context.Context) error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		j.drop(errors.New("the journal is closed"))
		return
	}
	select {
	case j.queue <- write:
	default:
		j.drop(errors.New("too many records waiting to be written"))
	}
}

// drop counts a record not written; the first of a run is logged as a
// warning, the rest at debug level, so a read-only index does not flood
// the log. j.mu may be held.
func (j *Journal) drop(err error) {
	if j.opts.Dropped != nil {
		j.opts.Dropped()
	}
	level := slog.LevelDebug
	if !j.warned {
		j.warned, level = true, slog.LevelWarn
	}
	j.opts.Logger.Log(context.Background(), level, "statistics record not written (answers are not affected)", "err", err)
}

func (j *Journal) run() {
	defer close(j.done)
	j.prune()
	tick := time.NewTicker(pruneEvery)
	defer tick.Stop()
	for {
		select {
		case <-j.stop:
			return
		default:
		}
		select {
		case write, ok := <-j.queue:
			if !ok {
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
			err := write(ctx)
			cancel()
			j.mu.Lock()
			if err != nil {
				j.drop(err)
			} else {
				j.warned = false
			}
			j.mu.Unlock()
		case <-tick.C:
			j.prune()
		case <-j.stop:
			return
		}
	}
}

// prune forgets text older than the retention period.
func (j *Journal) prune() {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	n, err := j.st.ForgetText(ctx, time.Now().Add(-j.opts.Retention))
	switch {
	case err != nil:
		j.opts.Logger.Warn("forget question text past its retention", "err", err)
	case n > 0:
		j.opts.Logger.Info("forgot question text past its retention", "records", n, "retention", j.opts.Retention)
	}
}

// Close writes what is queued, until ctx is done, and stops the Journal.
func (j *Journal) Close(ctx context.Context) {
	j.mu.Lock()
	if !j.closed {
		j.closed = true
		close(j.queue)
	}
	j.mu.Unlock()
	select {
	case <-j.done:
	case <-ctx.Done():
		close(j.stop)
		<-j.done
	}
}
