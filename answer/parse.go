package answer

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// reply is the object the model is asked for:
// {"found": bool, "answer": "text with [n] markers", "citations": [{"ref": n, "quote": "exact words"}]}.
type reply struct {
	Found     bool
	Answer    string
	Citations []modelCitation
}

// modelCitation is one citation as the model gave it, not yet verified.
type modelCitation struct {
	Ref   int
	Quote string
}

// errNotJSON means the model's reply holds no object of the asked-for shape.
var errNotJSON = errors.New("it was not the JSON object asked for")

// parseReply finds the answer object in a model's reply: bare, fenced in
// ``` (with or without a language), or wrapped in prose. The first object
// with an "answer" or "found" key wins.
func parseReply(s string) (reply, error) {
	s = strings.TrimSpace(s)
	if r, ok := decodeReply(s); ok {
		return r, nil
	}
	for rest := s; ; {
		i := strings.Index(rest, "```")
		if i < 0 {
			break
		}
		body := rest[i+3:]
		j := strings.Index(body, "```")
		if j < 0 {
			break
		}
		block := body[:j]
		if nl := strings.IndexByte(block, '\n'); nl >= 0 && !strings.Contains(block[:nl], "{") {
			block = block[nl+1:] // a language tag such as json
		}
		if r, ok := decodeReply(strings.TrimSpace(block)); ok {
			return r, nil
		}
		rest = body[j+3:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '{' {
			continue
		}
		if r, ok := decodeReply(s[i:]); ok {
			return r, nil
		}
	}
	return reply{}, errNotJSON
}

// decodeReply decodes the first JSON value of s (anything may follow it) as
// a reply. Types are read leniently: "found" may be a string, a ref may be
// "2" or "[2]".
func decodeReply(s string) (reply, bool) {
	if !strings.HasPrefix(s, "{") {
		return reply{}, false
	}
	var raw struct {
		Found     json.RawMessage `json:"found"`
		Answer    json.RawMessage `json:"answer"`
		Citations []struct {
			Ref   json.RawMessage `json:"ref"`
			Quote string          `json:"quote"`
		} `json:"citations"`
	}
	if err := json.NewDecoder(strings.NewReader(s)).Decode(&raw); err != nil {
		return reply{}, false
	}
	if raw.Found == nil && raw.Answer == nil {
		return reply{}, false
	}
	var r reply
	if raw.Answer != nil && json.Unmarshal(raw.Answer, &r.Answer) != nil {
		return reply{}, false
	}
	switch strings.Trim(strings.ToLower(string(raw.Found)), `"`) {
	case "true":
		r.Found = true
	case "false":
	default:
		// No (or an odd) "found": an answer with text counts as found.
		r.Found = strings.TrimSpace(r.Answer) != ""
	}
	for _, c := range raw.Citations {
		ref, ok := parseRef(c.Ref)
		if !ok {
			ref = 0 // kept, so the repair request can name it
		}
		r.Citations = append(r.Citations, modelCitation{Ref: ref, Quote: c.Quote})
	}
	return r, true
}

// parseRef reads a citation ref: 2, 2.0, "2" or "[2]".
func parseRef(raw json.RawMessage) (int, bool) {
	var f float64
	if json.Unmarshal(raw, &f) == nil && f == float64(int(f)) {
		return int(f), true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(s), "[]"))
		return n, err == nil
	}
	return 0, false
}
