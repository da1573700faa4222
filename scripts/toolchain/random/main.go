// Command pulumi-resource-random is the Pulumi Random provider, bridged from
// hashicorp/terraform-provider-random (Plugin Framework) with pulumi-terraform-bridge.
//
// Why it exists: pulumi-random's provider module has no tags and the Go module proxy reachable from
// our machines does not serve it, while the upstream Terraform provider and the bridge are served.
// The resources map to the type tokens of the @pulumi/random npm SDK.
package main

import (
	"context"

	pftfbridge "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/terraform-providers/terraform-provider-random/shim"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "4.21.1"

func resource(typ string) tokens.Type {
	file := "random" + typ[len("Random"):]
	return tokens.Type("random:index/" + file + ":" + typ)
}

func providerInfo() tfbridge.ProviderInfo {
	return tfbridge.ProviderInfo{
		P: pftfbridge.ShimProvider(shim.NewProvider()),
		// Bridge metadata holds build-time facts such as auto-aliasing history; this provider has none.
		MetadataInfo: tfbridge.NewProviderMetadata([]byte("{}")),
		Name:         "random",
		Version:      version,
		Resources: map[string]*tfbridge.ResourceInfo{
			"random_bytes":    {Tok: resource("RandomBytes")},
			"random_id":       {Tok: resource("RandomId")},
			"random_integer":  {Tok: resource("RandomInteger")},
			"random_password": {Tok: resource("RandomPassword")},
			"random_pet":      {Tok: resource("RandomPet")},
			"random_shuffle":  {Tok: resource("RandomShuffle")},
			"random_string":   {Tok: resource("RandomString")},
			"random_uuid":     {Tok: resource("RandomUuid")},
		},
	}
}

func main() {
	// A minimal package schema: it only serves `pulumi package get-schema`.
	schema := []byte(`{"name":"random","version":"` + version + `"}`)
	pftfbridge.Main(context.Background(), "random", providerInfo(), pftfbridge.ProviderMetadata{PackageSchema: schema})
}
