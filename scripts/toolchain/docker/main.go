// Command pulumi-resource-docker is the Pulumi Docker provider, bridged from
// kreuzwerker/terraform-provider-docker with pulumi-terraform-bridge.
//
// Why it exists: pulumi-docker's provider module has no tags and the Go module proxy reachable from
// our machines does not serve it, while the upstream Terraform provider and the bridge are served.
// This main maps the Terraform resources we use to the type tokens and property names of the
// @pulumi/docker npm SDK (the same names pulumi-docker's own resources.go gives them), so the
// published SDK drives it unchanged. The buildx-based native `docker.Image` resource and the
// Swarm resources are not included; see docs/toolchain.md.
package main

import (
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	shimv2 "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim/sdk-v2"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/terraform-providers/terraform-provider-docker/shim"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "5.1.0"

func resource(typ, fileName string) tokens.Type {
	return tokens.Type("docker:index/" + fileName + ":" + typ)
}

func providerInfo() tfbridge.ProviderInfo {
	info := tfbridge.ProviderInfo{
		P:       shimv2.NewProvider(shim.NewProvider(version)),
		Name:    "docker",
		Version: version,
		Config: map[string]*tfbridge.SchemaInfo{
			"host": {
				Default: &tfbridge.DefaultInfo{
					Value:   "unix:///var/run/docker.sock",
					EnvVars: []string{"DOCKER_HOST"},
				},
			},
			"registry_auth": {Name: "registryAuth", MaxItemsOne: tfbridge.False()},
		},
		Resources: map[string]*tfbridge.ResourceInfo{
			"docker_container": {
				Tok:                 resource("Container", "container"),
				DeleteBeforeReplace: true,
				Fields: map[string]*tfbridge.SchemaInfo{
					// A list, but one command: not pluralized in the SDK.
					"command":           {Name: "command"},
					"networks_advanced": {Name: "networksAdvanced"},
				},
			},
			"docker_image": {
				Tok:    resource("RemoteImage", "remoteImage"),
				Fields: map[string]*tfbridge.SchemaInfo{"name": {Name: "name"}},
			},
			"docker_network": {Tok: resource("Network", "network")},
			"docker_volume":  {Tok: resource("Volume", "volume")},
			"docker_tag":     {Tok: resource("Tag", "tag")},
		},
		DataSources: map[string]*tfbridge.DataSourceInfo{
			"docker_network": {Tok: tokens.ModuleMember("docker:index/getNetwork:getNetwork")},
			"docker_image":   {Tok: tokens.ModuleMember("docker:index/getRemoteImage:getRemoteImage")},
		},
	}
	info.SetAutonaming(255, "-")
	return info
}

func main() {
	// No Pulumi schema is embedded: it only serves `pulumi package get-schema`; resource
	// operations use the Terraform schema and the mapping above.
	tfbridge.Main("docker", version, providerInfo(), nil)
}
