package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/internal/fakediscord"
)

// delayed is a model that takes a fixed time to answer.
type delayed struct {
	answerer
	d time.Duration
}

func (m *delayed) Ask(ctx context.Context, q answer.Query) (answer.Answer, error) {
	t := time.NewTimer(m.d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return answer.Answer{}, ctx.Err()
	}
	return m.answerer.Ask(ctx, q)
}

// BenchmarkAcknowledge50InFlight asks 50 questions at once of a bot whose
// model takes 2 s per answer, through a real discordgo session and the fake
// Discord, and reports how long each question waited for its
// acknowledgement (from the INTERACTION_CREATE dispatch to the callback
// reaching Discord): p50, p99 and max. Run with -benchtime=3x; every
// iteration lasts about 2 s.
func BenchmarkAcknowledge50InFlight(b *testing.B) {
	const inFlight = 50
	fake := fakediscord.New(fakediscord.Options{Token: token})
	defer fake.Close()
	lib := newLibrary()
	h := bot.NewHandler(&delayed{answerer{lib: lib}, 2 * time.Second}, lib, bot.Config{
		RatePerMinute: 60000, RateBurst: 1000, MaxConcurrent: inFlight, MaxQueued: inFlight,
	})
	bt, err := bot.New(token, h, bot.Options{APIBase: fake.URL, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bt.Run(ctx) }()
	defer func() {
		stop()
		<-done
	}()
	wctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := fake.WaitRoute(wctx, routeCommands, 1); err != nil {
		b.Fatal(err)
	}
	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		sentAt := map[string]time.Time{}
		var sent []fakediscord.Sent
		for q := range inFlight {
			at := time.Now()
			s, err := fake.Interact(fakediscord.Interaction{Command: "ask", UserID: fmt.Sprint(q),
				Options: []fakediscord.Option{{Name: "question", Value: fmt.Sprintf("Question %d of round %d?", q, i)}}})
			if err != nil {
				b.Fatal(err)
			}
			sentAt[s.Token] = at
			sent = append(sent, s)
		}
		if _, err := fake.WaitRoute(wctx, routeEdit, (i+1)*inFlight); err != nil {
			b.Fatal(err)
		}
		for _, c := range fake.CallsTo(routeCallback) {
			for _, s := range sent {
				if s.Of(c) {
					lat = append(lat, c.At.Sub(sentAt[s.Token]))
				}
			}
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "ack-p50-ms")
	b.ReportMetric(pct(0.99), "ack-p99-ms")
	b.ReportMetric(pct(1), "ack-max-ms")
}
