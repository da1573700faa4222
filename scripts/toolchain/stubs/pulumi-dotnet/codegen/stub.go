// Package java stands in for pulumi-dotnet's program generator, which the provider never runs.
package codegen

import (
	"errors"

	"github.com/hashicorp/hcl/v2"
)

// GenerateProgram always fails: program generation is not part of a provider plugin.
func GenerateProgram(_ any) (map[string][]byte, hcl.Diagnostics, error) {
	return nil, nil, errors.New(".NET program generation is not built into this plugin")
}

// CSharpPackageInfo mirrors the fields the bridge's schema generator sets.
type CSharpPackageInfo struct {
	Compatibility                string            `json:"compatibility,omitempty"`
	PackageReferences            map[string]string `json:"packageReferences,omitempty"`
	Namespaces                   map[string]string `json:"namespaces,omitempty"`
	RootNamespace                string            `json:"rootNamespace,omitempty"`
	DictionaryConstructors       bool              `json:"dictionaryConstructors,omitempty"`
	ProjectReferences            []string          `json:"projectReferences,omitempty"`
	LiftSingleValueMethodReturns bool              `json:"liftSingleValueMethodReturns,omitempty"`
	RespectSchemaVersion         bool              `json:"respectSchemaVersion,omitempty"`
}

// CSharpPropertyInfo mirrors the fields the bridge's schema generator sets.
type CSharpPropertyInfo struct {
	Name string `json:"name,omitempty"`
}

// CSharpResourceInfo mirrors the fields the bridge's schema generator sets.
type CSharpResourceInfo struct {
	Name string `json:"name,omitempty"`
}
