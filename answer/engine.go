package answer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/storybot/storybot/knowledge"
	"github.com/storybot/storybot/llm"
	"github.com/storybot/storybot/prompts"
)

// Store is what the engine needs from the index: search, a passage's
// neighbours (to complete a passage cut mid-thought), a document's
// passages (to re-attribute a quote the model cited to the wrong passage),
// the words it lacks (whose related words count instead, see related.go)
// and the spelling of words it lacks (knowledge.Misspellable), each within
// a scope.
type Store interface {
	// SearchWeighted finds the passages, of the documents sc selects, that
	// best match several texts searched as one query, best first, each
	// term weighing as much as the heaviest text it is in (see
	// knowledge.Ranking.PlanWeighted): a question and the turns before
	// it. It returns knowledge.ErrEmptyQuery when the first text has no
	// words. knowledge/sqlite.Store implements Store.
	SearchWeighted(ctx context.Context, sc knowledge.Scope, texts []knowledge.Weighted, k int) ([]knowledge.Passage, error)
	// Lacking returns those of words (lower case) that no passage holds.
	Lacking(ctx context.Context, sc knowledge.Scope, words []string) ([]string, error)
	// SearchRelated is SearchWeighted with what Lacking returned for the
	// first text's knowledge.Expandable words, so that it is asked once.
	SearchRelated(ctx context.Context, sc knowledge.Scope, texts []knowledge.Weighted, lacking []string, k int) ([]knowledge.Passage, error)
	// Respelt returns text with the misspelt words no document holds
	// (knowledge.Misspellable) written as the word one edit away that the
	// most passages hold, and each word respelt with its respelling.
	Respelt(ctx context.Context, sc knowledge.Scope, text string) (string, [][2]string, error)
	// Passage returns the passage with the given id, or knowledge.ErrNotFound.
	Passage(ctx context.Context, sc knowledge.Scope, id string) (knowledge.Passage, error)
	// Passages returns all passages of a document, in order.
	Passages(ctx context.Context, sc knowledge.Scope, doc string) ([]knowledge.Passage, error)
}

// scoped is a Store that reads only the documents of one scope: what an
// answer is built from.
type scoped struct {
	st Store
	sc knowledge.Scope
}

func (s scoped) SearchWeighted(ctx context.Context, texts []knowledge.Weighted, k int) ([]knowledge.Passage, error) {
	return s.st.SearchWeighted(ctx, s.sc, texts, k)
}

func (s scoped) SearchRelated(ctx context.Context, texts []knowledge.Weighted, lacking []string, k int) ([]knowledge.Passage, error) {
	return s.st.SearchRelated(ctx, s.sc, texts, lacking, k)
}

// respelt is Respelt within the scope: a question's misspelt words
// respelt, and how (see knowledge.Misspellable).
func (s scoped) respelt(ctx context.Context, question string) (string, [][2]string, error) {
	return s.st.Respelt(ctx, s.sc, question)
}

func (s scoped) Passage(ctx context.Context, id string) (knowledge.Passage, error) {
	return s.st.Passage(ctx, s.sc, id)
}

func (s scoped) Passages(ctx context.Context, doc string) ([]knowledge.Passage, error) {
	return s.st.Passages(ctx, s.sc, doc)
}

// Model is a chat model. *llm/openai.Client implements it.
type Model interface {
	Chat(ctx context.Context, req llm.Request) (llm.Reply, error)
}

// Notices tell the user how an answer was made.
const (
	NoticeNoModel      = "No model is configured; these are the story's own sentences that best match your question."
	NoticeVerified     = "Each sentence is backed by a quote from the story; quotes are checked word for word."
	NoticeNoPassage    = "No passage of the story matches your question."
	NoticeModelNoFound = "The model found no answer in the passages of the story that best match your question."
	sentencesFallback  = "these are the story's own sentences that best match your question."
	notAnswered        = "the passages of the story that best match your question do not answer it."
	sentencesUnsure    = "these are the story's own sentences closest to your question, and they may not answer it."
)

// NotFoundText is the answer when the story does not say.
const NotFoundText = "Sorry, the story doesn't say."

// Options configure an Engine.
type Options struct {
	// Store is the index to answer from. Required.
	Store Store
	// Model writes answers. Nil means extractive answers only.
	Model Model
	// ModelName is reported in Answer.Model when the model's reply does
	// not name itself.
	ModelName string
	// K is the number of passages sent to the model. Default 5. The
	// extractive answerer reads a few more.
	K int
	// ContextTokens is the budget, in estimated tokens, for the passages
	// (or, for Label, the quotes) in a prompt. Default 1800.
	ContextTokens int
	// Timeout bounds the model's work on one answer (or one timeline's
	// labels): every call, retry and the repair round together. When it
	// runs out the answer is extractive. Zero means no bound beyond ctx.
	Timeout time.Duration
	// FollowUp says how earlier turns join the search for a question;
	// nil means DefaultFollowUp.
	FollowUp *FollowUp
	Logger   *slog.Logger
}

// Engine answers questions from a Store, with a Model when there is one.
// It is safe for concurrent use.
type Engine struct {
	store     scoped // the Store, within the scope of the question being answered
	model     Model
	modelName string
	k         int
	budget    int
	timeout   time.Duration
	support   supportParams
	abstain   abstainParams
	followUp  FollowUp
	history   []Turn   // the earlier turns of the question being answered
	lacking   []string // its words the documents lack, that have related words
	log       *slog.Logger
}

// New returns an engine for opts.
func New(opts Options) *Engine {
	e := &Engine{store: scoped{st: opts.Store}, model: opts.Model, modelName: opts.ModelName, k: opts.K, budget: opts.ContextTokens,
		timeout: opts.Timeout, support: defaultSupport(), abstain: defaultAbstain(), log: opts.Logger}
	if e.k <= 0 {
		e.k = 5
	}
	if e.budget <= 0 {
		e.budget = 1800
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	e.followUp = DefaultFollowUp()
	if opts.FollowUp != nil {
		e.followUp = *opts.FollowUp
	}
	return e
}

// Query is one question to answer, with what it is asked about.
type Query struct {
	// Question is the user's text.
	Question string
	// Scope is the documents to answer from. The zero Scope reads those
	// that belong to every Discord server; knowledge.Everything reads all.
	Scope knowledge.Scope
	// History holds the earlier turns of the conversation the question is
	// asked in, oldest first; the engine reads the latest of them, within
	// MaxTurns and HistoryTokens. They tell what the question refers to;
	// the answer still comes from the story alone.
	History []Turn
}

// Ask answers q. Model failures never make it fail: they give an
// extractive answer with a notice saying why. It returns an error wrapping
// knowledge.ErrEmptyQuery for a question with no words, and errors of the
// store or of ctx.
func (e *Engine) Ask(ctx context.Context, q Query) (Answer, error) {
	e = e.within(q.Scope)
	e.history = bounded(q.History)
	asked := strings.TrimSpace(q.Question)
	question, fixes, err := e.store.respelt(ctx, asked)
	if err != nil {
		return Answer{}, fmt.Errorf("search %q: %w", asked, err)
	}
	a, err := e.answer(ctx, question)
	if err != nil {
		return a, err
	}
	a.Question = asked
	if len(fixes) > 0 {
		a.Notice = strings.TrimSpace(a.Notice + " " + knowledge.ReadAs(fixes))
	}
	return a, nil
}

// answer answers question (respelt) as Ask says.
func (e *Engine) answer(ctx context.Context, question string) (Answer, error) {
	// One search serves both answerers: the model is sent the top k
	// passages, the extractive answerer (also the model's fallback) reads
	// a few more.
	passages, err := e.retrieve(ctx, question, e.history, max(e.k, defaultExtract().reads()))
	if err != nil {
		return Answer{}, fmt.Errorf("search %q: %w", question, err)
	}
	if len(passages) == 0 {
		return notFound(question, NoticeNoPassage), nil
	}
	if e.model == nil {
		return e.extractive(question, passages, NoticeNoModel), nil
	}
	a, err := e.askModel(ctx, question, passages)
	a.Checks.ModelAsked = true
	return a, err
}

// within returns a copy of e that reads only the documents sc selects, so
// that nothing it does for one question can reach another's documents, or
// its conversation another's.
func (e *Engine) within(sc knowledge.Scope) *Engine {
	c := *e
	c.store.sc = sc
	c.history, c.lacking = nil, nil
	return &c
}

// outcome is what became of one model reply.
type outcome struct {
	answer Answer
	ok     bool           // answer is ready (llm or not_found)
	repair prompts.Repair // why not, when it is not
	unread bool           // the reply held no answer object
	checks Checks         // what verification rejected
}

// maxEcho bounds the model's first reply as the repair request sends it
// back: a reply of a megabyte is not returned to the server whole.
const maxEcho = 4000

func (e *Engine) askModel(ctx context.Context, question string, passages []knowledge.Passage) (Answer, error) {
	blocks := e.pack(ctx, passages[:min(e.k, len(passages))])
	system, err := prompts.System()
	if err != nil {
		return Answer{}, err
	}
	pp := make([]prompts.Passage, len(blocks))
	for i, b := range blocks {
		pp[i] = prompts.Passage{Ref: b.ref, Text: b.text}
	}
	user, err := prompts.User(question, e.earlier(), pp)
	if err != nil {
		return Answer{}, err
	}
	msgs := []llm.Message{{Role: llm.RoleSystem, Content: system}, {Role: llm.RoleUser, Content: user}}
	v := newVerifier(e, blocks)

	mctx, cancel := e.bound(ctx)
	defer cancel()
	reply, err := e.model.Chat(mctx, llm.Request{Messages: msgs, JSON: true})
	if err != nil {
		return e.modelFailed(ctx, mctx, question, passages, err, Checks{})
	}
	first := e.check(ctx, question, v, reply)
	if first.ok {
		first.answer.Checks = first.checks
		return first.answer, nil
	}
	e.log.Info("model answer failed verification; asking once more", "reason", first.repair.Reason,
		"failed_quotes", len(first.repair.Failed), "unbacked_sentences", len(first.repair.Unbacked))
	repair, err := prompts.RepairRequest(first.repair)
	if err != nil {
		return Answer{}, err
	}
	msgs = append(msgs, llm.Message{Role: llm.RoleAssistant, Content: clip(reply.Content, maxEcho)}, llm.Message{Role: llm.RoleUser, Content: repair})
	reply, err = e.model.Chat(mctx, llm.Request{Messages: msgs, JSON: true})
	if err != nil {
		return e.modelFailed(ctx, mctx, question, passages, err, first.checks)
	}
	second := e.check(ctx, question, v, reply)
	if second.ok {
		second.answer.Checks = first.checks.plus(second.checks)
		return second.answer, nil
	}
	e.log.Warn("model answer failed verification twice; answering extractively", "reason", second.repair.Reason)
	what := "was not backed by the story"
	if second.unread {
		what = "could not be read"
	}
	a := e.extractive(question, passages,
		"The model's answer "+what+" ("+second.repair.Reason+"), so it is not shown; "+sentencesFallback)
	a.Checks = first.checks.plus(second.checks)
	a.Checks.Fallback = true
	return a, nil
}

// bound returns ctx bounded by the engine's timeout for the model's work
// on one answer.
func (e *Engine) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if e.timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, e.timeout)
}

// overrun returns err, a model call's in mctx (from bound), as a timeout
// of the engine's bound for what when that bound is what ran out.
func (e *Engine) overrun(mctx context.Context, err error, what string) error {
	if mctx.Err() != nil && !errors.Is(err, llm.ErrTimeout) {
		return fmt.Errorf("%w (%s for %s): %w", llm.ErrTimeout, e.timeout, what, err)
	}
	return err
}

// check parses and verifies one model reply.
func (e *Engine) check(ctx context.Context, question string, v *verifier, reply llm.Reply) outcome {
	r, err := parseReply(reply.Content)
	if err != nil {
		return outcome{repair: prompts.Repair{Reason: err.Error()}, unread: true}
	}
	if !r.Found {
		return outcome{ok: true, answer: notFound(question, NoticeModelNoFound)}
	}
	byRef := make(map[int][]checked)
	seen := make(map[string]bool)
	var failed []prompts.Failure
	for _, c := range r.Citations {
		ch, why, ok := v.verify(ctx, c)
		if !ok {
			failed = append(failed, prompts.Failure{Ref: c.Ref, Quote: clip(c.Quote, 200), Why: why})
			continue
		}
		if !seen[ch.key] {
			seen[ch.key] = true
			byRef[c.Ref] = append(byRef[c.Ref], ch)
		}
	}
	comp := compose(question, r.Answer, byRef, e.support)
	if len(comp.citations) == 0 {
		reason := "no sentence of its answer is backed by the quotes it cites"
		switch {
		case len(r.Citations) == 0:
			reason = "it gave no citations"
		case len(failed) == len(r.Citations):
			reason = "none of its quotes is word for word in the passage it cites"
		}
		return outcome{repair: prompts.Repair{Reason: reason, Failed: failed, Unbacked: comp.unbacked},
			checks: Checks{RejectedQuotes: len(failed), RejectedClaims: len(comp.unbacked)}}
	}
	notice := NoticeVerified
	if n := len(failed); n > 0 {
		notice += fmt.Sprintf(" %s the model gave %s not in the story and %s left out.", plural(n, "quote", "quotes"), wasWere(n), wasWere(n))
	}
	if n := len(comp.unbacked); n > 0 {
		notice += fmt.Sprintf(" %s of its answer that %s not backed by its quotes %s left out.", plural(n, "sentence", "sentences"), wasWere(n), wasWere(n))
	}
	if len(comp.unbacked) > 0 {
		e.log.Info("model sentences left out", "unbacked_sentences", len(comp.unbacked), "first_reason", comp.unbacked[0].Why)
	}
	model := reply.Model
	if !modelNameRe.MatchString(model) {
		model = e.modelName // the server's own name for it may be anything: a link, a mention
	}
	return outcome{ok: true, answer: Answer{
		Question: question, Mode: ModeLLM, Answer: comp.text, Citations: comp.citations, Notice: notice, Model: model,
	}, checks: Checks{RejectedQuotes: len(failed), RejectedClaims: len(comp.unbacked)}}
}

// modelNameRe matches a model name fit to show: "gpt-4o-mini",
// "llama3.1:8b", "Qwen/Qwen2.5-7B-Instruct".
var modelNameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/+-]{0,79}$`)

// modelFailed answers extractively after the model could not be used. ctx
// is the caller's, mctx the bounded one the model was called in; checks
// are what verification rejected in the rounds before.
func (e *Engine) modelFailed(ctx, mctx context.Context, question string, passages []knowledge.Passage, err error, checks Checks) (Answer, error) {
	if ctx.Err() != nil {
		return Answer{}, fmt.Errorf("ask %q: %w", question, ctx.Err())
	}
	err = e.overrun(mctx, err, "the whole answer")
	e.log.Warn("model unavailable; answering extractively", "err", err)
	a := e.extractive(question, passages, "The model could not answer ("+failure(err)+"); "+sentencesFallback)
	a.Checks = checks
	a.Checks.Fallback, a.Checks.ModelFailure = true, "error"
	if llm.IsTimeout(err) {
		a.Checks.ModelFailure = "timeout"
	}
	return a, nil
}

// failure says in words why a model call failed, for a notice.
func failure(err error) string {
	switch s := llm.HTTPStatus(err); {
	case errors.Is(err, llm.ErrTimeout):
		return "the model did not answer in time"
	case errors.Is(err, llm.ErrReplyTooLarge):
		return "the model server's reply was too large"
	case errors.Is(err, llm.ErrBadReply):
		return "the model server's reply was not a chat completion"
	case s == 429:
		return "the model server is busy (429)"
	case s == 401 || s == 403:
		return fmt.Sprintf("the model server refused the API key (%d)", s)
	case s != 0:
		return fmt.Sprintf("the model server answered %d", s)
	}
	return "the model server could not be reached"
}

// extractive answers from the story's own sentences, with notice, or
// says the story doesn't say when the passages do not answer the question
// (see abstainParams); a notice that ends by presenting the sentences then
// ends by saying so, or by saying they may not answer it when the
// abstention is unsure (the answer then opens with ClosestLabel).
func (e *Engine) extractive(question string, passages []knowledge.Passage, notice string) Answer {
	why, unsure := e.abstain.unanswered(question, passages, e.lacking)
	lead, presents := strings.CutSuffix(notice, sentencesFallback)
	if why != "" {
		e.log.Debug("extractive answer withheld", "why", why)
		if presents {
			return notFound(question, lead+notAnswered)
		}
		return notFound(question, NoticeNotAnswered)
	}
	cites := extractFollowUp(question, e.followUp.texts(question, e.history)[1:], e.lacking, passages, defaultExtract())
	if len(cites) == 0 {
		return notFound(question, NoticeNoPassage)
	}
	label := ExtractiveLabel
	if unsure {
		label = ClosestLabel
		if presents {
			notice = lead + sentencesUnsure
		}
	}
	return Answer{Question: question, Mode: ModeExtractive, Answer: extractiveText(label, cites), Citations: cites, Notice: notice}
}

func notFound(question, notice string) Answer {
	return Answer{Question: question, Mode: ModeNotFound, Answer: NotFoundText, Citations: []Citation{}, Notice: notice}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func wasWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// clip shortens s to at most n bytes, at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
