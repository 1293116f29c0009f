package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/config"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", "serve [--grace DURATION] [--db PATH]\n\n"+
		"Runs the Discord bot: /ask, /timeline, /source, /story, /help and questions that mention it.\n"+
		"Needs DISCORD_TOKEN. Health is served at http://HEALTH_ADDR/healthz. On SIGINT or\n"+
		"SIGTERM it disconnects and gives answers in flight the grace period to finish.")
	grace := fs.Duration("grace", 7*time.Second, "how long answers in flight may take to finish when stopping")
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
	eng := s.engine(5)
	h := bot.NewHandler(eng, st, bot.Config{
		RatePerMinute: cfg.RatePerMinute,
		RateBurst:     cfg.RateBurst,
		MaxConcurrent: cfg.MaxConcurrent,
		MaxQueued:     cfg.MaxQueued,
		Timeliner:     storeTimeliner{st: st, labels: eng},
		Shelf:         shelf{st},
		Logger:        logger.With("component", "bot"),
	})
	b, err := bot.New(cfg.DiscordToken, h, bot.Options{
		GuildID:        cfg.DiscordGuildID,
		APIBase:        cfg.DiscordAPIBase,
		ShardID:        cfg.ShardID,
		ShardCount:     cfg.ShardCount,
		Grace:          *grace,
		MessageContent: cfg.MessageContent,
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
		health := &http.Server{Handler: bot.HealthHandler(b, st), ReadHeaderTimeout: 5 * time.Second}
		served := make(chan error, 1)
		go func() { served <- health.Serve(ln) }()
		logger.Info("health endpoint listening", "url", "http://"+ln.Addr().String()+"/healthz")
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
