package answer

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseReply(t *testing.T) {
	good := reply{Found: true, Answer: "He refused [1].", Citations: []modelCitation{{Ref: 1, Quote: "He refused"}}}
	obj := `{"found": true, "answer": "He refused [1].", "citations": [{"ref": 1, "quote": "He refused"}]}`
	tests := []struct {
		name    string
		in      string
		want    reply
		wantErr error
	}{
		{"bare", obj, good, nil},
		{"bare with spaces", "\n  " + obj + "\n", good, nil},
		{"fenced", "```\n" + obj + "\n```", good, nil},
		{"fenced json", "```json\n" + obj + "\n```", good, nil},
		{"wrapped in prose", "Sure! Here is the answer:\n" + obj + "\nHope this helps {not json}.", good, nil},
		{"fenced inside prose", "Here you go:\n```json\n" + obj + "\n```\nDone.", good, nil},
		{"prose braces before the object", "Use {braces} wisely. " + obj, good, nil},
		{"ref as string", `{"found": true, "answer": "He refused [1].", "citations": [{"ref": "[1]", "quote": "He refused"}]}`, good, nil},
		{"found as string", `{"found": "true", "answer": "He refused [1].", "citations": [{"ref": 1, "quote": "He refused"}]}`, good, nil},
		{"not found", `{"found": false, "answer": "", "citations": []}`, reply{}, nil},
		{"found missing, answer present", `{"answer": "He refused [1].", "citations": [{"ref": 1, "quote": "He refused"}]}`, good, nil},
		{"prose only", "The FBI wanted a backdoor, I think.", reply{}, errNotJSON},
		{"other object", `{"name": "x"}`, reply{}, errNotJSON},
		{"truncated", `{"found": true, "answer": "He ref`, reply{}, errNotJSON},
		{"empty", "", reply{}, errNotJSON},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseReply(tt.in)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
