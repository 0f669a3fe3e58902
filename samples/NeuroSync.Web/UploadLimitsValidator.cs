using Microsoft.Extensions.Options;

namespace NeuroSync.Web;

/// <summary>Fails start-up with every wrong <see cref="UploadLimits"/> value named by its configuration key.</summary>
internal sealed class UploadLimitsValidator : IValidateOptions<UploadLimits>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, UploadLimits options)
    {
        List<string> failures = [.. options.Validate()];
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
