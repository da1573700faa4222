// Package java stands in for pulumi-java's program generator, which the provider never runs.
package java

import (
	"errors"

	"github.com/hashicorp/hcl/v2"
)

// GenerateProgram always fails: program generation is not part of a provider plugin.
func GenerateProgram(_ any) (map[string][]byte, hcl.Diagnostics, error) {
	return nil, nil, errors.New("java program generation is not built into this plugin")
}
