package timeline

import "sort"

// Part is one document of a timeline of several.
type Part struct {
	Doc   string `json:"doc"`
	Title string `json:"title"`
	// DocumentDate, DocumentDateSource and DocumentDateBasis are as in
	// Timeline, for this document's events.
	DocumentDate       string `json:"document_date"`
	DocumentDateSource string `json:"document_date_source"`
	DocumentDateBasis  string `json:"-"`
}

// Merge makes one timeline of the timelines of several documents, as Build
// made them: a saga told over several articles is one timeline. Their
// events are in one chronological order, each naming its document
// (Event.Doc); events Build's order does not tell apart keep the order of
// tls, then their own. One timeline is returned as it is; several give a
// timeline with Documents set and no document of its own.
func Merge(tls []Timeline) Timeline {
	if len(tls) == 1 {
		return tls[0]
	}
	t := Timeline{Events: []Event{}, Documents: []Part{}}
	for _, tl := range tls {
		t.Documents = append(t.Documents, Part{
			Doc: tl.Doc, Title: tl.Title,
			DocumentDate: tl.DocumentDate, DocumentDateSource: tl.DocumentDateSource, DocumentDateBasis: tl.DocumentDateBasis,
		})
		t.Events = append(t.Events, tl.Events...)
	}
	sort.SliceStable(t.Events, func(i, j int) bool { return earlier(t.Events[i], t.Events[j]) })
	return t
}
