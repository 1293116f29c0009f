package main

import (
	"context"
	"errors"

	"github.com/storybot/storybot/bot"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// shelf lets Discord servers manage their own stories in the index, with
// the same all-or-nothing ingest as storybot ingest.
type shelf struct{ st *sqlite.Store }

var _ bot.Shelf = shelf{}

// errReadOnly is what a server is told when the index cannot be written.
var errReadOnly = &bot.UserError{Msg: "The story index is read-only here, so stories cannot be added, chosen or removed; ask whoever runs storybot."}

// Add implements bot.Shelf.
func (s shelf) Add(ctx context.Context, p knowledge.Parsed) (string, bool, error) {
	rep, err := s.st.Ingest(ctx, []knowledge.Parsed{p}, nil)
	if errors.Is(err, sqlite.ErrReadOnly) {
		return "", false, errReadOnly
	}
	if err != nil {
		return "", false, err
	}
	got := rep.Docs[0]
	return got.ID, got.Status != sqlite.Added, nil
}

// Remove implements bot.Shelf: a server removes only its own documents.
func (s shelf) Remove(ctx context.Context, guild, id string) error {
	err := s.st.Remove(ctx, knowledge.Scope{Guild: guild, Own: true}, id)
	if errors.Is(err, sqlite.ErrReadOnly) {
		return errReadOnly
	}
	return err
}

// Bind implements bot.Shelf.
func (s shelf) Bind(ctx context.Context, guild, channel, doc string) error {
	err := s.st.Bind(ctx, guild, channel, doc)
	if errors.Is(err, sqlite.ErrReadOnly) {
		return errReadOnly
	}
	return err
}
