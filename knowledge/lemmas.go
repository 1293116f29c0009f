package knowledge

import (
	"strings"
	"sync"
)

// irregularForms lists English words whose inflections the Porter stemmer
// cannot join: each line is a base form followed by its irregular forms.
// Forms that are also common unrelated words (rose, ground, wound, lay,
// leaves, lives) are left out.
const irregularForms = `
arise arose arisen
awake awoke awoken
bear bore borne
beat beaten
become became
begin began begun
bend bent
bind bound
bite bit bitten
bleed bled
blow blew blown
break broke broken
breed bred
bring brought
build built
burn burnt
buy bought
catch caught
choose chose chosen
cling clung
come came
creep crept
deal dealt
dig dug
draw drew drawn
dream dreamt
drink drank drunk
drive drove driven
eat ate eaten
fall fell fallen
feed fed
feel felt
fight fought
find found
flee fled
fling flung
fly flew flown
forbid forbade forbidden
forget forgot forgotten
forgive forgave forgiven
freeze froze frozen
get got gotten
give gave given
go went gone
grow grew grown
hang hung
hear heard
hide hid hidden
hold held
keep kept
kneel knelt
know knew known
lead led
leap leapt
lend lent
leave left
light lit
lose lost
make made
mean meant
meet met
pay paid
ride rode ridden
ring rang rung
run ran
say said
see saw seen
seek sought
sell sold
send sent
shake shook shaken
shine shone
shoot shot
show shown
shrink shrank shrunk
sing sang sung
sink sank sunk
sit sat
slay slew slain
sleep slept
slide slid
speak spoke spoken
spend spent
spin spun
spit spat
spring sprang sprung
stand stood
steal stole stolen
stick stuck
sting stung
stride strode
strike struck stricken
swear swore sworn
sweep swept
swim swam swum
swing swung
take took taken
teach taught
tear tore torn
tell told
think thought
throw threw thrown
tread trod trodden
understand understood
wake woke woken
wear wore worn
weave wove woven
weep wept
win won
write wrote written
man men
woman women
child children
mouse mice
goose geese
foot feet
tooth teeth
ox oxen
wife wives
knife knives
wolf wolves
thief thieves
elf elves
loaf loaves
half halves
self selves
shelf shelves
calf calves
`

// lemmaTable joins the index terms of irregular forms to their base form's.
type lemmaTable struct {
	base  map[string]string   // term of a form → term of its base form
	forms map[string][]string // term of a base form → its forms' terms and words
	words map[string][]string // term of a base form → all its words, for the FTS5 query
}

var loadLemmas = sync.OnceValue(func() *lemmaTable {
	t := &lemmaTable{base: map[string]string{}, forms: map[string][]string{}, words: map[string][]string{}}
	for _, line := range strings.Split(irregularForms, "\n") {
		ws := strings.Fields(line)
		if len(ws) < 2 {
			continue
		}
		b := Terms(ws[0])[0]
		for _, w := range ws {
			term := Terms(w)[0]
			if _, dup := t.base[term]; dup {
				continue
			}
			t.base[term] = b
			t.forms[b] = append(t.forms[b], term)
			t.words[b] = append(t.words[b], w)
		}
	}
	return t
})

// canonical returns the base form's term for term, or term itself.
func (t *lemmaTable) canonical(term string) string {
	if t == nil {
		return term
	}
	if b, ok := t.base[term]; ok {
		return b
	}
	return term
}

// formsOf returns the terms of all forms of base, or nil.
func (t *lemmaTable) formsOf(base string) []string {
	if t == nil {
		return nil
	}
	return t.forms[base]
}

// canonicalTerms maps terms to their base forms' terms, keeping the first
// of any that become the same.
func (t *lemmaTable) canonicalTerms(terms []string) []string {
	var out []string
	seen := make(map[string]bool)
	for _, term := range terms {
		c := t.canonical(term)
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// otherForms returns the words of the irregular forms related to the given
// words (for took: take, taken) that are not among them.
func (t *lemmaTable) otherForms(words []string) []string {
	have := make(map[string]bool, len(words))
	for _, w := range words {
		have[w] = true
	}
	var out []string
	for _, w := range words {
		for _, term := range Terms(w) {
			for _, f := range t.words[t.canonical(term)] {
				if !have[f] {
					have[f] = true
					out = append(out, f)
				}
			}
		}
	}
	return out
}
