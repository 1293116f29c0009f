package answer

import (
	"context"
	"encoding/gob"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/storybot/storybot/internal/fairytaleqa"
	"github.com/storybot/storybot/knowledge"
)

var devCache = flag.String("devcache", "", "dev harness cache file")

type devCase struct {
	Set      string
	Q        string
	Answers  []string
	Passages []knowledge.Passage
}

const devK = 12

func devIndex(ctx context.Context, t testing.TB, name, text string) *knowledge.Store {
	st, err := knowledge.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	p, err := knowledge.Parse([]byte(text), knowledge.ParseOptions{Name: name + ".txt"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Ingest(ctx, []knowledge.Parsed{p}, nil); err != nil {
		t.Fatal(err)
	}
	return st
}

type squad struct {
	Data []struct {
		Paragraphs []struct {
			Context string `json:"context"`
			QAs     []struct {
				Question string `json:"question"`
				Answers  []struct {
					Text string `json:"text"`
				} `json:"answers"`
			} `json:"qas"`
		} `json:"paragraphs"`
	} `json:"data"`
}

func devBuild(t testing.TB) []devCase {
	ctx := context.Background()
	var out []devCase
	for _, split := range []string{"train", "val", "test"} {
		stories, err := fairytaleqa.Load(filepath.Join("/work/shared/datasets/fairytaleqa", split))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range stories {
			st := devIndex(ctx, t, s.Name, s.Text())
			for _, q := range s.Questions {
				if !q.Explicit {
					continue
				}
				ps, _ := st.Search(ctx, q.Text, devK)
				out = append(out, devCase{"ftqa-" + split, q.Text, q.Answers, ps})
			}
			st.Close()
		}
	}
	b, err := os.ReadFile("/work/shared/datasets/covidqa/200423_covidQA.json")
	if err != nil {
		t.Fatal(err)
	}
	var sq squad
	if err := json.Unmarshal(b, &sq); err != nil {
		t.Fatal(err)
	}
	for i, d := range sq.Data {
		for _, p := range d.Paragraphs {
			st := devIndex(ctx, t, fmt.Sprintf("paper-%d", i), p.Context)
			set := "covid-tune"
			if i%2 == 1 {
				set = "covid-report"
			}
			for _, qa := range p.QAs {
				var ans []string
				for _, a := range qa.Answers {
					ans = append(ans, a.Text)
				}
				ps, _ := st.Search(ctx, qa.Question, devK)
				out = append(out, devCase{set, qa.Question, ans, ps})
			}
			st.Close()
		}
	}
	return out
}

func devOwn(t testing.TB) []devCase {
	ctx := context.Background()
	b, err := os.ReadFile("testdata/questions.json")
	if err != nil {
		t.Fatal(err)
	}
	var qs map[string][]struct{ Q, Fact string }
	if err := json.Unmarshal(b, &qs); err != nil {
		t.Fatal(err)
	}
	var out []devCase
	for doc, path := range map[string]string{"phantom-secure": "../knowledge/story/phantom-secure.txt", "kellerby-bridge": "testdata/kellerby-bridge.md"} {
		text, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		st, err := knowledge.Open(ctx, ":memory:")
		if err != nil {
			t.Fatal(err)
		}
		p, err := knowledge.Parse(text, knowledge.ParseOptions{Name: filepath.Base(path)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Ingest(ctx, []knowledge.Parsed{p}, nil); err != nil {
			t.Fatal(err)
		}
		for _, q := range qs[doc] {
			ps, _ := st.Search(ctx, q.Q, devK)
			out = append(out, devCase{"own-" + doc, q.Q, []string{q.Fact}, ps})
		}
		st.Close()
	}
	return out
}

func devLoad(t testing.TB) []devCase {
	return append(devLoad1(t), devOwn(t)...)
}

func devLoad1(t testing.TB) []devCase {
	if *devCache != "" {
		if f, err := os.Open(*devCache); err == nil {
			defer f.Close()
			var cs []devCase
			if err := gob.NewDecoder(f).Decode(&cs); err == nil {
				return cs
			}
		}
	}
	cs := devBuild(t)
	if *devCache != "" {
		f, err := os.Create(*devCache)
		if err != nil {
			t.Fatal(err)
		}
		if err := gob.NewEncoder(f).Encode(cs); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	return cs
}

var devK2 = flag.Int("devk", 5, "passages given to extract")
var devSets = flag.String("devsets", "ftqa-train,ftqa-val,covid-tune,own-phantom-secure,own-kellerby-bridge", "sets to score")
var devTypes = flag.Bool("devtypes", false, "break down by question type")
var devMiss = flag.String("devmiss", "", "show misses of this set")

func TestDev(t *testing.T) {
	if *devCache == "" {
		t.Skip()
	}
	cs := devLoad(t)
	type agg struct{ n, hits, top1, words, inP int }
	score := func(pr extractParams) map[string]*agg {
		res := map[string]*agg{}
		for _, c := range cs {
			if !strings.Contains(","+*devSets+",", ","+c.Set+",") {
				continue
			}
			key := c.Set
			if *devTypes {
				key += "/" + readQuestion(readWords(nil, c.Q)).want.String()
			}
			a := res[key]
			if a == nil {
				a = &agg{}
				res[key] = a
			}
			ps := c.Passages[:min(*devK2, len(c.Passages))]
			cites := extract(c.Q, ps, pr)
			var qs []string
			for _, ct := range cites {
				qs = append(qs, ct.Quote)
			}
			text := strings.Join(qs, " ")
			a.n++
			a.words += len(strings.Fields(text))
			if containsAnswer(text, c.Answers) {
				a.hits++
			} else if c.Set == *devMiss {
				var all []string
				for _, p := range ps {
					all = append(all, p.Text)
				}
				if in := containsAnswer(strings.Join(all, " "), c.Answers); in || strings.HasPrefix(c.Set, "own-") {
					t.Logf("MISS %s (in passages %v)\n  gold %q\n  got %s", c.Q, in, c.Answers, text)
				}
			}
			if len(cites) > 0 && containsAnswer(cites[0].Quote, c.Answers) {
				a.top1++
			}
			var all []string
			for _, p := range ps {
				all = append(all, p.Text)
			}
			if containsAnswer(strings.Join(all, " "), c.Answers) {
				a.inP++
			}
		}
		return res
	}
	show := func(name string, pr extractParams) {
		res := score(pr)
		var keys []string
		for k := range res {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		fmt.Fprintf(&b, "%-24s", name)
		for _, k := range keys {
			a := res[k]
			if *devTypes {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, " | %s %.3f top1 %.3f %4.1fw (in %.3f, n %d)", k, float64(a.hits)/float64(a.n), float64(a.top1)/float64(a.n), float64(a.words)/float64(a.n), float64(a.inP)/float64(a.n), a.n)
		}
		t.Log(b.String())
	}
	base := defaultExtract()
	applyParams(&base, *devBase)
	show("base", base)
	for _, group := range strings.Split(*devSweep, ";") {
		if group == "" {
			continue
		}
		k, vs, _ := strings.Cut(group, "=")
		for _, v := range strings.Split(vs, ",") {
			p := base
			applyParams(&p, k+"="+v)
			show(k+"="+v, p)
		}
	}
}

var devSweep = flag.String("devsweep", "", "field=v,v;field=v,v")
var devBase = flag.String("devbase", "", "field=v;field=v applied to default")

func setParam(p *extractParams, name string, v float64) {
	switch name {
	case "sentences":
		p.sentences = int(v)
	case "passages":
		p.passages = int(v)
	case "typedPassages":
		p.typedPassages = int(v)
	case "rankBonus":
		p.rankBonus = v
	case "lengthPenalty":
		p.lengthPenalty = v
	case "minShare":
		p.minShare = v
	case "next":
		p.next = int(v)
	case "coverage":
		p.coverage = v
	case "rarest":
		p.rarest = v
	case "typeBonus":
		p.typeBonus = v
	case "near":
		p.near = int(v)
	case "farShare":
		p.farShare = v
	case "carry":
		p.carry = v
	case "follow":
		p.follow = v
	default:
		panic("unknown param " + name)
	}
}

func applyParams(p *extractParams, spec string) {
	for _, kv := range strings.Split(spec, ";") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		var f float64
		fmt.Sscan(v, &f)
		setParam(p, k, f)
	}
}

func TestDevOracle(t *testing.T) {
	if *devCache == "" {
		t.Skip()
	}
	cs := devLoad(t)
	type agg struct{ n, one, two, p3 int }
	res := map[string]*agg{}
	for _, c := range cs {
		a := res[c.Set]
		if a == nil {
			a = &agg{}
			res[c.Set] = a
		}
		a.n++
		ps := c.Passages[:min(*devK2, len(c.Passages))]
		one, two := false, false
		for r, p := range ps {
			ss := knowledge.Sentences(p.Text)
			for i, sp := range ss {
				if containsAnswer(p.Text[sp[0]:sp[1]], c.Answers) {
					one = true
				}
				if i+1 < len(ss) && containsAnswer(p.Text[sp[0]:ss[i+1][1]], c.Answers) {
					two = true
				}
			}
			if r < 3 && containsAnswer(p.Text, c.Answers) {
				a.p3++
				break
			}
		}
		if one {
			a.one++
		}
		if two || one {
			a.two++
		}
	}
	for k, a := range res {
		t.Logf("%s: one sentence %.3f, two %.3f, top-3 passages %.3f", k, float64(a.one)/float64(a.n), float64(a.two)/float64(a.n), float64(a.p3)/float64(a.n))
	}
}

var devSeed = flag.Int("devseed", 0, "")

func TestDevTop1Miss(t *testing.T) {
	if *devCache == "" {
		t.Skip()
	}
	cs := devLoad(t)
	pr := defaultExtract()
	applyParams(&pr, *devBase)
	shown := 0
	for i, c := range cs {
		if c.Set != *devMiss || (i+*devSeed)%7 != 0 {
			continue
		}
		ps := c.Passages[:min(*devK2, len(c.Passages))]
		one := pr
		one.sentences = 1
		one.next = 0
		got := extract(c.Q, ps, one)
		if len(got) == 0 || containsAnswer(got[0].Quote, c.Answers) {
			continue
		}
		gold := ""
		for _, p := range ps[:min(3, len(ps))] {
			for _, sp := range knowledge.Sentences(p.Text) {
				if gold == "" && containsAnswer(p.Text[sp[0]:sp[1]], c.Answers) {
					gold = p.Text[sp[0]:sp[1]]
				}
			}
		}
		if gold == "" {
			continue
		}
		t.Logf("Q: %s [%s]\n  gold: %q\n  GOLD: %s\n  GOT:  %s", c.Q, readQuestion(readWords(nil, c.Q)).want, c.Answers, gold, got[0].Quote)
		if shown++; shown == 30 {
			break
		}
	}
}
