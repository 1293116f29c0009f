package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/storybot/storybot/internal/fakediscord"
	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/knowledge/sqlite"
)

// The servers, channels and thread of the stories test.
const (
	serverA  = "300000000000000001" // fakediscord.GuildID
	serverB  = "300000000000000099"
	channelA = "300000000000000002" // fakediscord.ChannelID
	otherA   = "300000000000000003"
	threadA  = "300000000000000004" // a thread of channelA
	channelB = "300000000000000098"
)

const lighthouseStory = `The Lighthouse Keeper

Mara kept the lighthouse on Gull Rock for thirty years, trimming the wick every evening and logging every ship that passed the point in a green ledger that her father had left her.

One winter a storm broke the great lens, and for three nights the rock stood dark while Mara rowed to the mainland to beg the harbour master for glass, money and men.

The new lens was lit in March 1891, and the ledger records a ship passing that very night.
`

// response is what the bot answered one interaction with, at last.
type response struct {
	Type    int // the callback's type: 4 message, 5 deferred, 7 update, 8 choices
	Flags   int `json:"flags"` // 64: only the asker sees it
	Content string
	Embeds  []struct {
		Description string `json:"description"`
		Fields      []struct {
			Value string `json:"value"`
		} `json:"fields"`
	}
	Components []struct {
		Components []struct {
			CustomID string `json:"custom_id"`
			Label    string `json:"label"`
		} `json:"components"`
	}
	Choices []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	Edits []string // the content of each edit of the deferred response, in order
}

// cites lists the passage ids under the response's quotes.
func (r response) cites() []string {
	var ids []string
	for _, e := range r.Embeds {
		for _, f := range e.Fields {
			ids = append(ids, strings.Trim(f.Value, "`"))
		}
	}
	return ids
}

// interact sends in and waits for the bot's last word on it: the
// callback, then, when it deferred, edits until one does not say it is
// still indexing, or a private follow-up in place of the deferred response.
func (s *serving) interact(t *testing.T, in fakediscord.Interaction) response {
	t.Helper()
	sent, err := s.fake.Interact(in)
	if err != nil {
		t.Fatal(err)
	}
	final := func(c fakediscord.Call) bool {
		return c.Route == "POST /webhooks/{app}/{token}" ||
			(c.Method == "PATCH" && !strings.Contains(string(c.Body), "Indexing"))
	}
	var mine []fakediscord.Call
	_, err = s.fake.Wait(s.ctx, func(calls []fakediscord.Call) bool {
		mine = mine[:0]
		for _, c := range calls {
			if sent.Of(c) {
				mine = append(mine, c)
			}
		}
		if len(mine) == 0 {
			return false
		}
		var cb struct{ Type int }
		json.Unmarshal(mine[0].Body, &cb)
		return cb.Type != 5 || final(mine[len(mine)-1])
	})
	if err != nil {
		t.Fatalf("no answer to %+v: %v\nlog:\n%s", in, err, s.stderr.String())
	}
	var cb struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	mine[0].Decode(&cb)
	var r response
	body := cb.Data
	for _, c := range mine[1:] {
		if c.Method == "PATCH" {
			var e struct{ Content string }
			json.Unmarshal(c.Body, &e)
			r.Edits = append(r.Edits, e.Content)
		}
		if final(c) {
			body = c.Body
		}
	}
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("answer %s: %v", body, err)
	}
	r.Type = cb.Type
	if last := mine[len(mine)-1]; last.Method == "PATCH" {
		var data struct {
			Flags int `json:"flags"`
		}
		json.Unmarshal(cb.Data, &data) // an edit keeps the deferred response's flags
		r.Flags = data.Flags
	}
	return r
}

func option(name string, v any) fakediscord.Option { return fakediscord.Option{Name: name, Value: v} }

// askIn asks question in a server's channel, of story when it is not "".
func askIn(guild, channel, question, story string) fakediscord.Interaction {
	opts := []fakediscord.Option{option("question", question)}
	if story != "" {
		opts = append(opts, option("story", story))
	}
	return fakediscord.Interaction{Command: "ask", Guild: guild, Channel: channel, Options: opts}
}

func storyCmd(sub, guild, perms string, opts ...fakediscord.Option) fakediscord.Interaction {
	return fakediscord.Interaction{Command: "story", Subcommand: sub, Guild: guild, Permissions: perms, Options: opts}
}

func (s *serving) docs(t *testing.T) []knowledge.Document {
	t.Helper()
	st, err := sqlite.Open(s.ctx, s.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	docs, err := st.Documents(s.ctx, knowledge.Everything)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func hasPrefix(ids []string, prefix string) bool {
	return slices.ContainsFunc(ids, func(id string) bool { return strings.HasPrefix(id, prefix) })
}

// TestServeStoriesPerServer runs storybot serve against the fake Discord:
// a server's manager adds a story, binds a channel to it and removes it;
// a member cannot; and no other server reaches it by /ask, /source or
// autocompletion.
func TestServeStoriesPerServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	st := &storiesTest{serving: startServe(t, ctx), admin: fakediscord.ManagerPermissions, member: fakediscord.MemberPermissions}
	st.fake.AddThread(serverA, threadA, channelA)
	st.lighthouse = st.fake.Attach("lighthouse.txt", "text/plain; charset=utf-8", []byte(lighthouseStory), 0)
	t.Run("registered for those who manage the server", st.registered)
	t.Run("a member cannot add a story", st.memberCannotAdd)
	t.Run("uploads that cannot be added", st.refusedUploads)
	t.Run("a manager adds a story", st.managerAdds)
	t.Run("a large upload shows progress", st.largeUploadProgress)
	t.Run("the server asks about its story", st.askOwnStory)
	t.Run("another server cannot reach it", st.otherServerCannotReach)
	t.Run("a channel and its threads use it", st.channelAndThreads)
	t.Run("a manager removes it, after a confirmation", st.removeAfterConfirmation)
	t.Run("what another process ingests is seen at the next question", st.ingestedElsewhere)
	if err := st.stop(); err != nil {
		t.Errorf("serve: %v", err)
	}
	checkCalls(t, st.fake.Calls())
}

// storiesTest is the state TestServeStoriesPerServer's steps share.
type storiesTest struct {
	*serving
	admin, member string // permissions
	lighthouse    fakediscord.Attachment
}

func (st *storiesTest) registered(t *testing.T) {
	for _, raw := range st.fake.Commands("") {
		var c struct {
			Name        string            `json:"name"`
			Permissions *string           `json:"default_member_permissions"`
			Contexts    []int             `json:"contexts"`
			Options     []json.RawMessage `json:"options"`
		}
		json.Unmarshal(raw, &c)
		switch {
		case c.Name == "story" && (c.Permissions == nil || *c.Permissions != "32" || !slices.Equal(c.Contexts, []int{0})):
			t.Errorf("/story registered as %s; want default_member_permissions \"32\" (Manage Server), in servers only", raw)
		case c.Name != "story" && c.Permissions != nil:
			t.Errorf("/%s is registered for managers only: %s", c.Name, raw)
		case c.Name == "story" && !strings.Contains(string(raw), `"name":"file","options":null,"required":true,"type":11`):
			t.Errorf("/story add takes no attachment: %s", raw)
		}
	}
}

// question is one only the lighthouse story answers.
const question = "Who kept the lighthouse on Gull Rock?"

func (st *storiesTest) memberCannotAdd(t *testing.T) {
	r := st.interact(t, storyCmd("add", serverA, st.member, option("file", st.lighthouse)))
	if r.Flags != 64 || !strings.Contains(r.Content, "Manage Server") {
		t.Errorf("member's /story add: flags %d %q; want a private refusal", r.Flags, r.Content)
	}
	if n := len(st.docs(t)); n != 2 {
		t.Errorf("%d documents after a refused upload, want 2", n)
	}
}

func (st *storiesTest) refusedUploads(t *testing.T) {
	for _, tt := range []struct {
		file fakediscord.Attachment
		want string
	}{
		{st.fake.Attach("scan.pdf", "application/pdf", []byte("%PDF-1.4"), 0), "I can add .txt, .md and .html files"},
		{st.fake.Attach("huge.txt", "text/plain", []byte("small"), 11<<20), "I add files of up to 10 MB"},
		{st.fake.Attach("image.txt", "text/plain", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), 0), "not UTF-8 text"},
		{st.fake.Attach("blank.md", "text/markdown", []byte("\n\n  \n"), 0), "has no text"},
	} {
		r := st.interact(t, storyCmd("add", serverA, st.admin, option("file", tt.file)))
		if r.Flags != 64 || !strings.Contains(r.Content, tt.want) {
			t.Errorf("%s: flags %d %q; want a private %q", tt.file.Filename, r.Flags, r.Content, tt.want)
		}
	}
	if n := len(st.docs(t)); n != 2 {
		t.Errorf("%d documents after refused uploads, want 2: a failed upload leaves the index as it was", n)
	}
}

func (st *storiesTest) managerAdds(t *testing.T) {
	r := st.interact(t, storyCmd("add", serverA, st.admin, option("file", st.lighthouse), option("date", "2020-02-01")))
	if r.Type != 5 || r.Flags != 64 || !strings.Contains(r.Content, "Added **The Lighthouse Keeper** as `lighthouse`") {
		t.Errorf("manager's /story add: type %d flags %d %q", r.Type, r.Flags, r.Content)
	}
	docs := st.docs(t)
	if len(docs) != 3 || docs[2].Slug != "lighthouse" || docs[2].Guild != serverA || docs[2].Date != "2020-02-01" {
		t.Errorf("documents %+v; want lighthouse for server A", docs)
	}
}

func (st *storiesTest) largeUploadProgress(t *testing.T) {
	var big strings.Builder
	for i := 0; big.Len() < 1200<<10; i++ {
		fmt.Fprintf(&big, "Chapter %d. The keeper wrote in the ledger that ship number %d passed the point at dawn, and the sea was calm.\n\n", i, i)
	}
	r := st.interact(t, storyCmd("add", serverA, st.admin, option("file", st.fake.Attach("ledger.md", "text/markdown", []byte(big.String()), 0))))
	if len(r.Edits) != 2 || !strings.Contains(r.Edits[0], "Indexing **ledger.md** (1.2 MB)") || !strings.Contains(r.Content, "as `ledger`") {
		t.Errorf("edits %q; want a progress message, then the result", r.Edits)
	}
}

func (st *storiesTest) askOwnStory(t *testing.T) {
	r := st.interact(t, askIn(serverA, otherA, question, "lighthouse"))
	if !hasPrefix(r.cites(), "lighthouse#") || slices.ContainsFunc(r.cites(), func(id string) bool { return !strings.HasPrefix(id, "lighthouse#") }) {
		t.Errorf("/ask story:lighthouse cites %q", r.cites())
	}
}

func (st *storiesTest) otherServerCannotReach(t *testing.T) {
	r := st.interact(t, askIn(serverB, channelB, question, "lighthouse"))
	if r.Flags != 64 || !strings.Contains(r.Content, `There is no story "lighthouse" here`) {
		t.Errorf("/ask story:lighthouse from server B: flags %d %q", r.Flags, r.Content)
	}
	r = st.interact(t, askIn(serverB, channelB, question, ""))
	if hasPrefix(r.cites(), "lighthouse") {
		t.Errorf("/ask from server B cites %q", r.cites())
	}
	r = st.interact(t, fakediscord.Interaction{Command: "source", Guild: serverB, Channel: channelB, Options: []fakediscord.Option{option("passage", "lighthouse#1")}})
	if r.Flags != 64 || !strings.Contains(r.Content, `There is no passage "lighthouse#1"`) || strings.Contains(r.Content, "lighthouse`") {
		t.Errorf("/source lighthouse#1 from server B: %q", r.Content)
	}
	for _, ac := range []fakediscord.Interaction{
		{Command: "ask", Autocomplete: true, Guild: serverB, Options: []fakediscord.Option{option("question", "who?"), {Name: "story", Value: "l", Focused: true}}},
		{Command: "source", Autocomplete: true, Guild: serverB, Options: []fakediscord.Option{{Name: "passage", Value: "lighthouse", Focused: true}}},
		{Command: "source", Autocomplete: true, Guild: serverB, Options: []fakediscord.Option{{Name: "passage", Value: "Gull Rock keeper", Focused: true}}},
		{Command: "ask", Autocomplete: true, DM: true, Options: []fakediscord.Option{{Name: "story", Value: "", Focused: true}}},
	} {
		r := st.interact(t, ac)
		for _, c := range r.Choices {
			if strings.Contains(c.Value, "lighthouse") || strings.Contains(c.Value, "ledger") {
				t.Errorf("autocomplete %s from elsewhere offers %q", ac.Command, c.Value)
			}
		}
	}
	r = st.interact(t, fakediscord.Interaction{Command: "ask", Autocomplete: true, Guild: serverA, Options: []fakediscord.Option{{Name: "story", Value: "light", Focused: true}}})
	if len(r.Choices) != 1 || r.Choices[0].Value != "lighthouse" || !strings.Contains(r.Choices[0].Name, "The Lighthouse Keeper") {
		t.Errorf("autocomplete in server A: %+v; want the lighthouse", r.Choices)
	}
	r = st.interact(t, fakediscord.Interaction{Command: "timeline", Guild: serverB, Channel: channelB})
	if strings.Contains(r.Content+fmt.Sprint(r.Embeds), "lighthouse#") || strings.Contains(fmt.Sprint(r.Embeds), "1891") {
		t.Errorf("/timeline from server B shows the lighthouse's events: %s %v", r.Content, r.Embeds)
	}
	r = st.interact(t, fakediscord.Interaction{Command: "timeline", Guild: serverA, Channel: otherA, Options: []fakediscord.Option{option("story", "lighthouse")}})
	if !strings.Contains(fmt.Sprint(r.Embeds), "**1891-03**") || !strings.Contains(fmt.Sprint(r.Embeds), "`lighthouse#") {
		t.Errorf("/timeline story:lighthouse in server A: %s %v", r.Content, r.Embeds)
	}
	r = st.interact(t, storyCmd("list", serverB, st.admin))
	if strings.Contains(r.Content, "lighthouse") || strings.Contains(r.Content, "ledger") || !strings.Contains(r.Content, "phantom-secure") {
		t.Errorf("/story list in server B: %q", r.Content)
	}
	r = st.interact(t, storyCmd("remove", serverB, st.admin, option("story", "lighthouse")))
	if !strings.Contains(r.Content, `There is no story "lighthouse" in this server`) {
		t.Errorf("server B removing A's story: %q", r.Content)
	}
	r = st.interact(t, storyCmd("use", serverB, st.admin, option("story", "lighthouse")))
	if !strings.Contains(r.Content, `There is no story "lighthouse" in this server`) {
		t.Errorf("server B binding A's story: %q", r.Content)
	}
}

func (st *storiesTest) channelAndThreads(t *testing.T) {
	if r := st.interact(t, storyCmd("use", serverA, st.member, option("story", "lighthouse"))); !strings.Contains(r.Content, "Manage Server") {
		t.Errorf("member's /story use: %q", r.Content)
	}
	r := st.interact(t, storyCmd("use", serverA, st.admin, option("story", "lighthouse")))
	if r.Flags != 64 || !strings.Contains(r.Content, "This channel (and its threads) now answers from **The Lighthouse Keeper**") {
		t.Errorf("/story use: %q", r.Content)
	}
	for _, where := range []string{channelA, threadA} {
		r := st.interact(t, askIn(serverA, where, question, ""))
		if len(r.cites()) == 0 || slices.ContainsFunc(r.cites(), func(id string) bool { return !strings.HasPrefix(id, "lighthouse#") }) {
			t.Errorf("/ask in %s, bound to lighthouse: cites %q", where, r.cites())
		}
	}
	r = st.interact(t, askIn(serverA, otherA, "Who is Vincent Ramos?", ""))
	if !hasPrefix(r.cites(), "phantom-secure#") {
		t.Errorf("/ask in another channel cites %q; want every story the server sees", r.cites())
	}
	// A mention in the thread follows the channel too.
	before := len(st.fake.CallsTo("POST /channels/{channel}/messages"))
	st.fake.Post(fakediscord.Message{Content: "<@" + st.fake.BotID + "> what broke the great lens?", MentionBot: true, Channel: threadA})
	calls, err := st.fake.WaitRoute(st.ctx, "POST /channels/{channel}/messages", before+1)
	if err != nil {
		t.Fatal(err)
	}
	if body := string(calls[before].Body); !strings.Contains(body, "lighthouse#") || strings.Contains(body, "phantom-secure#") {
		t.Errorf("a mention in the thread answered from elsewhere: %s", body)
	}
	r = st.interact(t, storyCmd("list", serverA, st.admin))
	for _, want := range []string{"**The Lighthouse Keeper** `lighthouse`", "for this server", "for every server", "read `lighthouse` (chosen for this channel)"} {
		if !strings.Contains(r.Content, want) {
			t.Errorf("/story list lacks %q:\n%s", want, r.Content)
		}
	}
}

func (st *storiesTest) removeAfterConfirmation(t *testing.T) {
	confirm := st.interact(t, storyCmd("remove", serverA, st.admin, option("story", "lighthouse")))
	if confirm.Flags != 64 || !strings.Contains(confirm.Content, "Remove **The Lighthouse Keeper**") || len(confirm.Components) != 1 {
		t.Fatalf("/story remove: %+v; want a private question with buttons", confirm)
	}
	buttons := confirm.Components[0].Components
	if len(buttons) != 2 || buttons[0].CustomID != "story-remove:lighthouse" {
		t.Fatalf("buttons %+v", buttons)
	}
	r := st.interact(t, fakediscord.Interaction{Button: buttons[0].CustomID, Guild: serverA, Permissions: st.member})
	if r.Type != 7 || !strings.Contains(r.Content, "Manage Server") {
		t.Errorf("a member's click: type %d %q", r.Type, r.Content)
	}
	if n := len(st.docs(t)); n != 4 {
		t.Errorf("%d documents after a member's click, want 4", n)
	}
	r = st.interact(t, fakediscord.Interaction{Button: buttons[0].CustomID, Guild: serverA, Permissions: st.admin})
	if r.Type != 7 || !strings.Contains(r.Content, "Removed `lighthouse`") || len(r.Components) != 0 {
		t.Errorf("the manager's click: type %d %q %+v; want the question replaced, without buttons", r.Type, r.Content, r.Components)
	}
	if slices.ContainsFunc(st.docs(t), func(d knowledge.Document) bool { return d.Slug == "lighthouse" }) {
		t.Error("the lighthouse is still indexed")
	}
	r = st.interact(t, askIn(serverA, channelA, "Who is Vincent Ramos?", ""))
	if !hasPrefix(r.cites(), "phantom-secure#") {
		t.Errorf("the channel's story removed, /ask cites %q; want the server's stories again", r.cites())
	}
}

func (st *storiesTest) ingestedElsewhere(t *testing.T) {
	f := writeFile(t, "quarry.txt", []byte("The Quarry\n\nThe quarrymen cut the granite for the lighthouse tower from the cliffs above Penhallow, and carted every block down the hill by oxen."))
	if r := runCLI(t, map[string]string{"STORYBOT_DB": st.db, "HOME": t.TempDir()}, "ingest", f); r.err != nil {
		t.Fatalf("ingest while serve runs: %v\n%s", r.err, r.stderr)
	}
	r := st.interact(t, askIn(serverB, channelB, "Where was the granite for the tower cut?", "quarry"))
	if !hasPrefix(r.cites(), "quarry#") {
		t.Errorf("/ask story:quarry right after another process ingested it: %q %q", r.Content, r.cites())
	}
}
