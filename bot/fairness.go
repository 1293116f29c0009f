package bot

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiter gives each user an allowance of questions: perMinute on average,
// burst at once.
type limiter struct {
	every rate.Limit
	burst int
	now   func() time.Time

	mu        sync.Mutex
	users     map[string]*rate.Limiter
	lastSweep time.Time
}

// sweepEvery is how often idle users' limiters are forgotten.
const sweepEvery = time.Minute

func newLimiter(perMinute float64, burst int, now func() time.Time) *limiter {
	return &limiter{
		every: rate.Limit(perMinute / 60),
		burst: max(burst, 1),
		now:   now,
		users: map[string]*rate.Limiter{},
	}
}

// take uses one question of user's allowance, or, when it is spent,
// returns how long until the next question is allowed (and uses nothing).
func (l *limiter) take(user string) (wait time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	lim := l.users[user]
	if lim == nil {
		lim = rate.NewLimiter(l.every, l.burst)
		l.users[user] = lim
	}
	r := lim.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// sweep forgets the limiters that have refilled completely: they are
// indistinguishable from new ones, so memory stays bounded by the users
// active in the last few minutes without changing anyone's allowance.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < sweepEvery {
		return
	}
	l.lastSweep = now
	for user, lim := range l.users {
		if lim.TokensAt(now) >= float64(l.burst) {
			delete(l.users, user)
		}
	}
}

// size is the number of users remembered.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.users)
}

// gate caps the answers being worked on at once and the questions waiting
// for a turn.
type gate struct {
	admitted chan struct{} // working + waiting
	working  chan struct{}
}

func newGate(concurrent, queued int) *gate {
	concurrent = max(concurrent, 1)
	return &gate{
		admitted: make(chan struct{}, concurrent+max(queued, 0)),
		working:  make(chan struct{}, concurrent),
	}
}

// enter takes a place in the queue, or reports false at once when the queue
// is full.
func (g *gate) enter() (*ticket, bool) {
	select {
	case g.admitted <- struct{}{}:
		return &ticket{g: g}, true
	default:
		return nil, false
	}
}

// ticket is a place in the gate's queue.
type ticket struct {
	g       *gate
	working bool
}

// wait blocks until it is this ticket's turn to work, in arrival order.
func (t *ticket) wait(ctx context.Context) error {
	select {
	case t.g.working <- struct{}{}:
		t.working = true
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// leave gives the ticket's place back.
func (t *ticket) leave() {
	if t.working {
		<-t.g.working
	}
	<-t.g.admitted
}
