package bot

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// clock is a settable clock for tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)} }

func TestLimiterAllowanceAndWait(t *testing.T) {
	c := newClock()
	l := newLimiter(6, 2, c.now) // one question every 10 s, two at once
	for i := range 2 {
		if wait := l.take("ann"); wait != 0 {
			t.Fatalf("question %d: wait %v; want none within the burst", i+1, wait)
		}
	}
	if wait := l.take("ann"); wait != 10*time.Second {
		t.Errorf("third question: wait %v; want 10s", wait)
	}
	if wait := l.take("bob"); wait != 0 {
		t.Errorf("another user waits %v; want none", wait)
	}
	c.advance(4 * time.Second)
	if wait := l.take("ann"); wait.Round(time.Millisecond) != 6*time.Second {
		t.Errorf("after 4 s: wait %v; want 6s", wait)
	}
	c.advance(6 * time.Second)
	if wait := l.take("ann"); wait != 0 {
		t.Errorf("after 10 s: wait %v; want none", wait)
	}
}

func TestLimiterForgetsIdleUsers(t *testing.T) {
	c := newClock()
	l := newLimiter(6, 3, c.now)
	for i := range 1000 {
		l.take(fmt.Sprint("user", i))
	}
	if got := l.size(); got != 1000 {
		t.Fatalf("remembered %d users, want 1000", got)
	}
	c.advance(5 * time.Minute) // everyone's allowance has refilled
	l.take("active")
	if got := l.size(); got != 1 {
		t.Errorf("after the idle users refilled: remembered %d, want 1", got)
	}
}

func TestGateQueueAndOrder(t *testing.T) {
	g := newGate(1, 2)
	ctx := context.Background()
	first, ok := g.enter()
	if !ok || first.wait(ctx) != nil {
		t.Fatal("first ticket refused")
	}
	var queued []*ticket
	for i := range 2 {
		tk, ok := g.enter()
		if !ok {
			t.Fatalf("queued ticket %d refused", i)
		}
		queued = append(queued, tk)
	}
	if _, ok := g.enter(); ok {
		t.Fatal("a fourth ticket got in; want the full queue to refuse it")
	}
	// The queued tickets wait for the working one.
	started := make(chan int, 2)
	for i, tk := range queued {
		go func() {
			if tk.wait(ctx) == nil {
				started <- i
			}
		}()
	}
	select {
	case i := <-started:
		t.Fatalf("ticket %d started while the first was working", i)
	default:
	}
	first.leave()
	i := <-started
	queued[i].leave()
	<-started
	if _, ok := g.enter(); !ok {
		t.Error("a ticket was refused with room in the queue")
	}
}

func TestGateWaitCancelled(t *testing.T) {
	g := newGate(1, 1)
	a, _ := g.enter()
	a.wait(context.Background())
	b, _ := g.enter()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.wait(ctx); err == nil {
		t.Fatal("wait succeeded with the only slot taken and ctx cancelled")
	}
	b.leave()
	a.leave()
	if _, ok := g.enter(); !ok {
		t.Error("places were not given back")
	}
}
