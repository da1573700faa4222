module local.build/pulumi-resource-random

go 1.26.6

require (
	github.com/pulumi/pulumi-terraform-bridge/v3 v3.133.0
	github.com/terraform-providers/terraform-provider-random v1.3.2-0.20260513075824-f8d869dc98d9
)

replace (
	github.com/hashicorp/terraform-plugin-sdk/v2 => github.com/pulumi/terraform-plugin-sdk/v2 v2.0.0-20260318212141-5525259d096b
	// The upstream module, unpacked from the Go module proxy by scripts/toolchain.sh, plus shim/.
	github.com/terraform-providers/terraform-provider-random => ./upstream
)

// Program generators the bridge links but a provider never runs; see ../stubs/README.md.
replace (
	github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3 => ./stubs/pulumi-dotnet
	github.com/pulumi/pulumi-java => ./stubs/pulumi-java
	github.com/pulumi/pulumi-yaml => ./stubs/pulumi-yaml
)
