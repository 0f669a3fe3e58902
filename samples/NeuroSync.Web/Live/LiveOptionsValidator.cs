using Microsoft.Extensions.Options;

namespace NeuroSync.Web.Live;

/// <summary>Fails start-up with every wrong <see cref="LiveOptions"/> value named by its configuration key.</summary>
internal sealed class LiveOptionsValidator : IValidateOptions<LiveOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, LiveOptions options)
    {
        List<string> failures = [.. options.Validate()];
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
