package answer_test

import (
	"context"
	"strings"
	"testing"

	"github.com/storybot/storybot/answer"
	"github.com/storybot/storybot/knowledge"
)

// An answer is made only of the documents its question's scope selects:
// another server's story never shows, even when it matches best.
func TestAskReadsOnlyItsScope(t *testing.T) {
	st := openDefault(t)
	ctx := context.Background()
	p, err := knowledge.Parse([]byte("The Secret Ledger\n\nVincent Ramos kept a secret ledger of every Phantom Secure customer, and the FBI never found it because it was buried under the lighthouse on Gull Rock."),
		knowledge.ParseOptions{Name: "ledger.txt"})
	if err != nil {
		t.Fatal(err)
	}
	p.Doc.Guild = "A"
	if _, err := st.Ingest(ctx, []knowledge.Parsed{p}, nil); err != nil {
		t.Fatal(err)
	}
	eng := answer.New(answer.Options{Store: st})
	question := "Where did Ramos bury the secret ledger of Phantom Secure customers?"
	cited := func(sc knowledge.Scope) map[string]bool {
		t.Helper()
		a, err := eng.Ask(ctx, answer.Query{Question: question, Scope: sc})
		if err != nil {
			t.Fatal(err)
		}
		docs := map[string]bool{}
		for _, c := range a.Citations {
			doc, _, _ := knowledge.ParsePassageID(c.PassageID)
			docs[doc] = true
			if doc == "ledger" && !strings.Contains(p.Doc.Text, c.Quote) {
				t.Errorf("quote %q is not the ledger's", c.Quote)
			}
		}
		return docs
	}
	if docs := cited(knowledge.Scope{Guild: "A"}); !docs["ledger"] {
		t.Errorf("server A's question cites %v; want its own ledger", docs)
	}
	for name, sc := range map[string]knowledge.Scope{
		"server B": {Guild: "B"}, "a direct message": {}, "server A, the default story only": {Guild: "A", Docs: []string{"phantom-secure"}},
	} {
		if docs := cited(sc); docs["ledger"] {
			t.Errorf("%s: the answer cites server A's ledger", name)
		}
	}
}
