package eval

import (
	"encoding/json"
	"fmt"
	"os"
)

// LoadCOVIDQA reads COVID-QA (SQuAD format: papers with questions and
// answer spans) as one story per paragraph of a paper, split by paper so
// that no paper is in both halves: the even-numbered papers for tuning,
// the odd-numbered ones for reporting.
func LoadCOVIDQA(path string) (tune, report []Story, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var squad struct {
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
	if err := json.Unmarshal(b, &squad); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	for i, d := range squad.Data {
		for j, p := range d.Paragraphs {
			s := Story{Name: fmt.Sprintf("paper-%d-%d", i, j), Text: p.Context}
			for _, qa := range p.QAs {
				q := Question{Text: qa.Question}
				for _, a := range qa.Answers {
					q.Answers = append(q.Answers, a.Text)
				}
				s.Questions = append(s.Questions, q)
			}
			if i%2 == 0 {
				tune = append(tune, s)
			} else {
				report = append(report, s)
			}
		}
	}
	if len(tune) == 0 {
		return nil, nil, fmt.Errorf("%s: no papers", path)
	}
	return tune, report, nil
}
