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

// parseReply finds the answer object in a model's reply, bare, fenced or
// wrapped in prose (see findObject): the first object with an "answer" or
// "found" key.
func parseReply(s string) (reply, error) {
	var r reply
	if findObject(s, func(obj string) (ok bool) { r, ok = decodeReply(obj); return ok }) {
		return r, nil
	}
	return reply{}, errNotJSON
}

// findObject looks for the JSON object a model was asked for in its reply s
// and reports whether decode accepted one. It tries s itself, then each
// block fenced in ``` (with or without a language), then the text from each
// "{" on, so an object wrapped in prose is found too. decode is given text
// that starts with the candidate object (anything may follow it).
func findObject(s string, decode func(obj string) bool) bool {
	s = strings.TrimSpace(s)
	if decode(s) {
		return true
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
		if decode(strings.TrimSpace(block)) {
			return true
		}
		rest = body[j+3:]
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '{' && decode(s[i:]) {
			return true
		}
	}
	return false
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
