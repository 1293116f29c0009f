package sqlite_test

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/storybot/storybot/knowledge"
)

// TestRespell: a word no document holds is read as the word one edit away
// that the most passages of the scope hold, as a passage writes it; a
// word some document holds, or with no neighbour in the scope, is not.
func TestRespell(t *testing.T) {
	ctx := context.Background()
	named := mustParse(t, "ramos.txt", "Ramos\n\nRamos sold phones to the cartel for ten years, and then he pleaded guilty.")
	named.Doc.Guild = "C"
	st := twoServers(t, named)

	words := []string{"fery", "esturay", "prisson", "sentensed", "ferry", "xyzzy"}
	tests := []struct {
		name string
		sc   knowledge.Scope
		want map[string]string
	}{
		{"every document", knowledge.Everything, map[string]string{"fery": "ferry", "esturay": "estuary", "prisson": "prison", "sentensed": "sentenced"}},
		{"server A: B's words are not offered", knowledge.Scope{Guild: "A"}, map[string]string{"fery": "ferry", "esturay": "estuary", "prisson": "prison"}},
		{"server B", knowledge.Scope{Guild: "B"}, map[string]string{"sentensed": "sentenced"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.Respell(ctx, tt.sc, words)
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tt.want) {
				t.Errorf("Respell(%q) = %v, want %v", words, got, tt.want)
			}
		})
	}
	// "plaed" is one edit from "plead", which no passage writes: it is read
	// as "pleaded", the word of that index term the story writes.
	if got, err := st.Respell(ctx, knowledge.Everything, []string{"plaed", "ramso"}); err != nil || got["plaed"] != "pleaded" || got["ramso"] != "ramos" {
		t.Errorf(`Respell(["plaed", "ramso"]) = %v, %v: want "pleaded" and "ramos", as the story writes them`, got, err)
	}
	// Words of 32 letters outside a to z have thousands of edits each
	// (maxEdits bounds what one call looks up): nothing fails, and the
	// first word is still respelt.
	long := []string{"fery"}
	for i := range 8 {
		var b strings.Builder
		for j := range 32 {
			b.WriteRune(rune(0x4e00 + i*32 + j))
		}
		long = append(long, b.String())
	}
	if got, err := st.Respell(ctx, knowledge.Everything, long); err != nil || got["fery"] != "ferry" {
		t.Errorf("Respell(fery and 8 long words) = %v, %v: want fery respelt", got, err)
	}
	if got, err := st.Respell(ctx, knowledge.Everything, nil); err != nil || len(got) != 0 {
		t.Errorf("Respell(nil) = %v, %v: want nothing", got, err)
	}
}
