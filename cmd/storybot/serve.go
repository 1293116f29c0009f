package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/config"
	"github.com/storybot/storybot/stats"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", "serve [--grace DURATION] [--db PATH]\n\n"+
		"Runs the Discord bot: /ask, /timeline, /source, /story, /help and questions that mention it.\n"+
		"Needs DISCORD_TOKEN. Health is served at http://HEALTH_ADDR/healthz, metrics at /metrics.\n"+
		"On SIGINT or SIGTERM it disconnects, shows everyone waiting for an answer a notice to ask\n"+
		"again unless the answer replaces it, and stops within the grace period.")
	grace := fs.Duration("grace", 7*time.Second, "how long stopping may take: answers in flight may finish until then")
	db := dbFlag(fs)
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("serve takes no arguments, got %q", fs.Args())
	}
	if err := durationIn("grace", *grace, 100*time.Millisecond, 5*time.Minute); err != nil {
		return err
	}
	s, err := openStory(ctx, e, *db, config.Config.ValidateServe)
	if err != nil {
		return err
	}
	defer s.st.Close()
	cfg, logger, st := s.cfg, s.log, s.st
	metrics := bot.NewMetrics()
	opts := s.engineOptions(5)
	opts.Store, opts.Model = metrics.Store(opts.Store), metrics.Model(opts.Model)
	eng := answer.New(opts)
	// Questions are recorded for storybot stats (not those of storybot ask,
	// which are the operator's own), in the background.
	journal := stats.NewJournal(st, stats.JournalOptions{
		Retention: cfg.QuestionRetention, Dropped: metrics.Dropped, Logger: logger.With("component", "stats"),
	})
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		journal.Close(ctx)
	}()
	h := bot.NewHandler(eng, st, bot.Config{
		RatePerMinute: cfg.RatePerMinute,
		RateBurst:     cfg.RateBurst,
		MaxConcurrent: cfg.MaxConcurrent,
		MaxQueued:     cfg.MaxQueued,
		Timeliner:     storeTimeliner{st: st, labels: eng},
		Shelf:         shelf{st},
		Recorder:      journal,
		Metrics:       metrics,
		Logger:        logger.With("component", "bot"),
	})
	b, err := bot.New(cfg.DiscordToken, h, bot.Options{
		GuildID:        cfg.DiscordGuildID,
		APIBase:        cfg.DiscordAPIBase,
		ShardID:        cfg.ShardID,
		ShardCount:     cfg.ShardCount,
		Grace:          *grace,
		MessageContent: cfg.MessageContent,
		Metrics:        metrics,
		Logger:         logger.With("component", "discord"),
	})
	if err != nil {
		return fmt.Errorf("start the Discord bot: %w", err) // Load checked the settings it complains of
	}

	// The bot serves Discord without its health endpoint, so a taken port is
	// reported, not fatal.
	if ln, err := net.Listen("tcp", cfg.HealthAddr); err != nil {
		logger.Error("health endpoint disabled: HEALTH_ADDR cannot be listened on; set HEALTH_ADDR to a free host:port", "addr", cfg.HealthAddr, "err", err)
	} else {
		mux := http.NewServeMux()
		mux.Handle("/healthz", bot.HealthHandler(b, st))
		mux.Handle("GET /metrics", metrics.Handler())
		health := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		served := make(chan error, 1)
		go func() { served <- health.Serve(ln) }()
		logger.Info("health endpoint listening", "url", "http://"+ln.Addr().String()+"/healthz", "metrics", "http://"+ln.Addr().String()+"/metrics")
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			health.Shutdown(sctx)
			<-served
		}()
	}

	if err := b.Run(ctx); err != nil {
		if bot.HTTPStatus(err) == http.StatusUnauthorized {
			return fmt.Errorf("DISCORD_TOKEN: %w", err)
		}
		return err
	}
	logger.Info("stopped")
	return nil
}
