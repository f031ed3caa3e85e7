// The oracle for test/model/re2-regexp.test.ts: Go's regexp, anchored as Prometheus anchors a label
// regex, says whether each pattern compiles and which inputs it matches.
//
// stdin: [{"pattern": "...", "inputs": ["...", ...]}, ...]; stdout: [{"ok": bool, "matches": [bool, ...]}, ...]
package main

import (
	"encoding/json"
	"os"
	"regexp"
)

type question struct {
	Pattern string   `json:"pattern"`
	Inputs  []string `json:"inputs"`
}

type answer struct {
	Ok      bool   `json:"ok"`
	Matches []bool `json:"matches"`
}

func main() {
	var questions []question
	if err := json.NewDecoder(os.Stdin).Decode(&questions); err != nil {
		panic(err)
	}
	answers := make([]answer, len(questions))
	for i, q := range questions {
		// Prometheus's labels.NewFastRegexMatcher compiles "^(?s:" + v + ")$".
		re, err := regexp.Compile("^(?s:" + q.Pattern + ")$")
		if err != nil {
			answers[i] = answer{Ok: false, Matches: []bool{}}
			continue
		}
		matches := make([]bool, len(q.Inputs))
		for j, input := range q.Inputs {
			matches[j] = re.MatchString(input)
		}
		answers[i] = answer{Ok: true, Matches: matches}
	}
	if err := json.NewEncoder(os.Stdout).Encode(answers); err != nil {
		panic(err)
	}
}
