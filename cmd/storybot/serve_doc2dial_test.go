package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/internal/doc2dial"
	"github.com/storybot/storybot/internal/fakediscord"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// TestServeDoc2DialDialogues replays dialogues of Doc2Dial's reporting
// half through serve and the fake Discord as people would hold them: the
// first question with /ask story:<its page>, each later one a reply to the
// bot's previous answer (the bot's own answers are the conversation, not
// the dataset's agent). A follow-up scores when a passage the bot quotes
// first overlaps the span the dataset's next reply rests on. The same
// follow-ups asked alone (each its own /ask story:<page>) must score lower.
func TestServeDoc2DialDialogues(t *testing.T) {
	const dir = "../../../shared/datasets/doc2dial-dev"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no Doc2Dial set at %s", dir)
	}
	if testing.Short() {
		t.Skip("replays 40 dialogues through the bot")
	}
	data, err := doc2dial.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	data = data.Half(doc2dial.Report)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s := startServeWith(t, ctx, map[string]string{"RATE_LIMIT_BURST": "100", "RATE_LIMIT_PER_MINUTE": "1000"})
	dialogues := replayable(data, 40)
	ids := map[string]string{} // document name → id in the index
	for _, d := range dialogues {
		if _, ok := ids[d.doc]; ok {
			continue
		}
		ids[d.doc] = fmt.Sprintf("d2d-%d", len(ids)+1)
		file := filepath.Join(t.TempDir(), d.doc)
		os.WriteFile(file, []byte(data.Docs[d.doc].Text), 0o644)
		if r := runCLI(t, map[string]string{"STORYBOT_DB": s.db, "HOME": t.TempDir()}, "ingest", "--id", ids[d.doc], file); r.err != nil {
			t.Fatalf("ingest %s: %v", d.doc, r.err)
		}
	}
	spans := passageSpans(t, ctx, s.db)
	hit := func(m discordMessage, gold [2]int) bool {
		q := quotes(m)
		if len(q) == 0 {
			return false
		}
		sp := spans[q[0]]
		return sp[0] < gold[1] && gold[0] < sp[1]
	}
	asked, inConversation, alone := 0, 0, 0
	for n, d := range dialogues {
		user := fmt.Sprint(420000000000000000 + n) // one user a dialogue, within the rate limit
		last := s.slash(t, d.turns[0].Question, ids[d.doc], user)
		for _, turn := range d.turns[1:] {
			m := replyTo(last.ID, turn.Question)
			m.AuthorID = user
			reply, _ := s.say(t, m)
			last = reply
			if turn.ID == "" {
				continue // a turn the dataset gives no gold for
			}
			asked++
			if hit(reply.discordMessage, turn.Gold) {
				inConversation++
			}
			if hit(s.slash(t, turn.Question, ids[d.doc], user).discordMessage, turn.Gold) {
				alone++
			}
		}
	}
	t.Logf("%d dialogues, %d follow-ups: the first quote overlaps the gold span for %d in conversation (%.3f), %d alone (%.3f)",
		len(dialogues), asked, inConversation, float64(inConversation)/float64(asked), alone, float64(alone)/float64(asked))
	if asked < 100 || inConversation <= alone {
		t.Errorf("%d follow-ups: %d hit in conversation, %d alone; want more in conversation", asked, inConversation, alone)
	}
	if err := s.stop(); err != nil {
		t.Errorf("serve: %v", err)
	}
}

// dialogue is one Doc2Dial dialogue's user turns in order; a turn with an
// ID is one the dataset gives a gold span for.
type dialogue struct {
	doc   string
	turns []doc2dial.Turn
}

// replayable returns up to n dialogues of data, in file order, each with
// every user turn (those only in a later turn's history have no ID).
func replayable(data doc2dial.Data, n int) []dialogue {
	var order []string
	last := map[string]doc2dial.Turn{}
	gold := map[string]map[string]doc2dial.Turn{} // dialogue → question → turn with gold
	for _, t := range data.Turns {
		if _, ok := last[t.Dialogue]; !ok {
			order = append(order, t.Dialogue)
			gold[t.Dialogue] = map[string]doc2dial.Turn{}
		}
		last[t.Dialogue] = t
		gold[t.Dialogue][t.Question] = t
	}
	var out []dialogue
	for _, id := range order[:min(n, len(order))] {
		t := last[id]
		d := dialogue{doc: t.Doc}
		for _, u := range append(slices.Clone(t.History), doc2dial.Utterance{Role: "user", Text: t.Question}) {
			if u.Role != "user" || strings.TrimSpace(u.Text) == "" {
				continue
			}
			turn, ok := gold[id][u.Text]
			if !ok {
				turn = doc2dial.Turn{Question: u.Text}
			}
			d.turns = append(d.turns, turn)
		}
		out = append(out, d)
	}
	return out
}

// passageSpans maps every passage id of the index at db to its span.
func passageSpans(t *testing.T, ctx context.Context, db string) map[string][2]int {
	t.Helper()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	docs, err := st.Documents(ctx, knowledge.Everything)
	if err != nil {
		t.Fatal(err)
	}
	spans := map[string][2]int{}
	for _, d := range docs {
		ps, err := st.Passages(ctx, knowledge.Everything, d.Slug)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			spans[p.ID] = [2]int{p.Start, p.End}
		}
	}
	return spans
}

// slash asks question with /ask story:story as user and returns the
// answer as posted.
func (s *serving) slash(t *testing.T, question, story, user string) posted {
	t.Helper()
	sent, err := s.fake.Interact(fakediscord.Interaction{Command: "ask", UserID: user, Options: []fakediscord.Option{
		{Name: "question", Value: question}, {Name: "story", Value: story}}})
	if err != nil {
		t.Fatal(err)
	}
	return s.original(t, sent)
}
