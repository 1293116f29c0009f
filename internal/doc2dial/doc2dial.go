// Package doc2dial reads the Doc2Dial follow-up questions (a user turn of
// a dialogue about a government web page, with the turns before it and the
// span of the page the next answer rests on) and scores how storybot
// retrieves passages for them: each page is indexed on its own, as
// `storybot ingest` would, and each turn is asked with its history as the
// conversation it belongs to. A turn is a hit at k when one of the top k
// passages overlaps its gold span.
package doc2dial

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/storybot/storybot/answer"
)

// ErrNoData is returned by Load when the folder holds no questions.jsonl.
var ErrNoData = errors.New("no Doc2Dial data")

// Document is one web page, as its .txt file holds it.
type Document struct {
	// Name is the file name, e.g. "dmv_Federal_REAL_ID_3_0.txt".
	Name string
	Text string
}

// Utterance is one turn of a dialogue, the user's or the agent's.
type Utterance struct {
	Role string `json:"role"` // "user" or "agent"
	Text string `json:"text"`
}

// Turn is one user turn with what came before it.
type Turn struct {
	ID       string
	Doc      string // the document's Name
	Dialogue string
	Question string
	History  []Utterance
	// Gold is the byte span of the document's text the agent's next reply
	// rests on.
	Gold [2]int
}

// FollowUp reports whether the turn has turns before it.
func (t Turn) FollowUp() bool { return len(t.History) > 0 }

// Conversation is the turn's history as storybot's earlier turns: each user
// utterance with the agent's replies after it (an agent's opening with no
// question).
func (t Turn) Conversation() []answer.Turn {
	var out []answer.Turn
	for _, u := range t.History {
		switch {
		case u.Role == "user":
			out = append(out, answer.Turn{Question: u.Text})
		case len(out) == 0:
			out = append(out, answer.Turn{Answer: u.Text})
		case out[len(out)-1].Answer == "":
			out[len(out)-1].Answer = u.Text
		default:
			out[len(out)-1].Answer += " " + u.Text
		}
	}
	return out
}

// Data is the set: its documents by name and its turns in file order.
type Data struct {
	Docs  map[string]Document
	Turns []Turn
}

// record is one line of questions.jsonl.
type record struct {
	ID       string      `json:"id"`
	Doc      string      `json:"doc"`
	Dialogue string      `json:"dialogue"`
	Question string      `json:"question"`
	History  []Utterance `json:"history"`
	Span     [2]int      `json:"evidence_span"`
}

// Load reads dir: questions.jsonl and the documents under docs/ it names.
// The gold spans, character offsets in the file, become byte offsets.
func Load(dir string) (Data, error) {
	f, err := os.Open(filepath.Join(dir, "questions.jsonl"))
	if errors.Is(err, fs.ErrNotExist) {
		return Data{}, fmt.Errorf("%s: %w", dir, ErrNoData)
	}
	if err != nil {
		return Data{}, err
	}
	defer f.Close()
	d := Data{Docs: map[string]Document{}}
	offsets := map[string][]int{} // document → byte offset of each character
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for line := 1; sc.Scan(); line++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return Data{}, fmt.Errorf("questions.jsonl:%d: %w", line, err)
		}
		name := path.Base(r.Doc)
		if _, ok := d.Docs[name]; !ok {
			text, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(r.Doc)))
			if err != nil {
				return Data{}, fmt.Errorf("questions.jsonl:%d: %w", line, err)
			}
			d.Docs[name] = Document{Name: name, Text: string(text)}
			offsets[name] = charOffsets(string(text))
		}
		off := offsets[name]
		if r.Span[0] < 0 || r.Span[0] >= r.Span[1] || r.Span[1] >= len(off) {
			return Data{}, fmt.Errorf("questions.jsonl:%d: span %v is not within %s", line, r.Span, name)
		}
		d.Turns = append(d.Turns, Turn{ID: r.ID, Doc: name, Dialogue: r.Dialogue, Question: r.Question, History: r.History,
			Gold: [2]int{off[r.Span[0]], off[r.Span[1]]}})
	}
	if err := sc.Err(); err != nil {
		return Data{}, err
	}
	if len(d.Turns) == 0 {
		return Data{}, fmt.Errorf("%s: %w", dir, ErrNoData)
	}
	return d, nil
}

// charOffsets returns the byte offset of each character of s, and len(s)
// after the last.
func charOffsets(s string) []int {
	off := make([]int, 0, utf8.RuneCountInString(s)+1)
	for i := range s {
		off = append(off, i)
	}
	return append(off, len(s))
}

// Half is a part of the set: the tuning half or the reporting half.
type Half string

// The halves. Documents are split, not dialogues, so no page tuned on is
// reported on: in name order (which groups them by site), every other one
// is in the tuning half.
const (
	Tune   Half = "tune"
	Report Half = "report"
	All    Half = "all"
)

// Half returns the data of half h.
func (d Data) Half(h Half) Data {
	if h == All {
		return d
	}
	names := make([]string, 0, len(d.Docs))
	for n := range d.Docs {
		names = append(names, n)
	}
	slices.Sort(names)
	out := Data{Docs: map[string]Document{}}
	for i, n := range names {
		if (i%2 == 0) == (h == Tune) {
			out.Docs[n] = d.Docs[n]
		}
	}
	for _, t := range d.Turns {
		if _, ok := out.Docs[t.Doc]; ok {
			out.Turns = append(out.Turns, t)
		}
	}
	return out
}

// ParseHalf reads a half's name.
func ParseHalf(s string) (Half, error) {
	switch h := Half(strings.TrimSpace(s)); h {
	case Tune, Report, All:
		return h, nil
	}
	return "", fmt.Errorf("%q is not tune, report or all", s)
}
