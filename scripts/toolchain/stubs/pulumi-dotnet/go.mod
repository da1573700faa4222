module github.com/pulumi/pulumi-dotnet/pulumi-language-dotnet/v3

go 1.26.6

require github.com/hashicorp/hcl/v2 v2.24.0
