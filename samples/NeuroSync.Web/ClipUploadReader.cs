using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using NeuroSync.Audio;
using NeuroSync.Vision;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NeuroSync.Web;

/// <summary>
/// Reads a <c>multipart/form-data</c> clip (one <c>audio</c> WAV part, any number of <c>frames</c> image parts) straight
/// from the request stream into memory, checking every limit as the bytes arrive.
/// </summary>
/// <remarks>
/// <see cref="MultipartReader"/> rather than <c>Request.ReadFormAsync</c>: the form reader spools file parts over 64 KB to
/// temporary files, and request data must never touch the disk (the original wrote uploads to fixed file names, so
/// concurrent requests overwrote each other). Thread-safe: one instance serves every request.
/// </remarks>
internal sealed class ClipUploadReader
{
    /// <summary>The form field of the WAV part.</summary>
    public const string AudioField = "audio";

    /// <summary>The form field of the image parts, one per frame, in clip order.</summary>
    public const string FramesField = "frames";

    private const int CopyChunkBytes = 64 * 1024;

    private readonly UploadLimits _limits;
    private readonly FrameLoader _frameLoader;

    /// <summary>Creates the reader.</summary>
    /// <param name="limits">The upload limits.</param>
    public ClipUploadReader(IOptions<UploadLimits> limits)
    {
        _limits = limits.Value;
        _frameLoader = new FrameLoader(_limits.MaxFramePixels);
    }

    /// <summary>Reads and decodes a clip.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the read (the client went away).</param>
    /// <returns>The clip, which the caller disposes.</returns>
    /// <exception cref="UploadRejectedException">The request breaks a limit or holds something other than a WAV and images.</exception>
    public async Task<ClipUpload> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        string boundary = Boundary(request);

        // Refused from the header alone, before a byte of the body is read; bodies without a length are stopped by
        // the server's body-size limit, set to the same value, as they stream in.
        if (request.ContentLength > _limits.MaxRequestBytes)
        {
            throw TooLarge();
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = _limits.MaxRequestBytes;
        }

        var upload = new ClipUpload();
        long framePixels = 0;
        bool sawAudio = false;
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = _limits.MaxPartHeaders, HeadersLengthLimit = _limits.MaxPartHeaderBytes };
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                string field = FieldName(section);
                switch (field)
                {
                    case AudioField when sawAudio:
                        throw new UploadRejectedException(StatusCodes.Status400BadRequest, field, "expected one audio part, found a second one.");
                    case AudioField:
                        sawAudio = true;
                        MemoryStream wav = await ReadPartAsync(section.Body, _limits.MaxAudioBytes, field, cancellationToken);

                        // An empty part is no part: what a form's file input sends when no file was chosen.
                        upload.Audio = wav.Length == 0 ? null : DecodeWav(wav);
                        break;
                    case FramesField when upload.Frames.Count == _limits.MaxFrames:
                        throw new UploadRejectedException(StatusCodes.Status413PayloadTooLarge, field, $"expected at most {_limits.MaxFrames} frames, found more.");
                    case FramesField:
                        MemoryStream image = await ReadPartAsync(section.Body, _limits.MaxFrameBytes, field, cancellationToken);
                        if (image.Length > 0)
                        {
                            var frame = new VideoFrame(DecodeImage(image, upload.Frames.Count));
                            upload.AddFrame(frame);
                            framePixels += (long)frame.Image.Width * frame.Image.Height;
                            if (framePixels > _limits.MaxTotalFramePixels)
                            {
                                throw new UploadRejectedException(StatusCodes.Status413PayloadTooLarge, field, $"expected frames of at most {_limits.MaxTotalFramePixels} pixels in all, found more by frame {upload.Frames.Count}.");
                            }
                        }

                        break;
                    default:
                        throw new UploadRejectedException(StatusCodes.Status400BadRequest, field, $"unexpected field; expected '{AudioField}' (a WAV file) and/or '{FramesField}' (images).");
                }
            }

            if (upload.Audio is null && upload.Frames.Count == 0)
            {
                // A well-formed form with nothing to analyse (no part, or only empty ones): 422, not 400 (the request is
                // readable, its content unusable).
                throw new UploadRejectedException(StatusCodes.Status422UnprocessableEntity, null, $"expected an '{AudioField}' part (a WAV file) and/or '{FramesField}' parts (images), found neither.");
            }

            return upload;
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            upload.Dispose();
            throw TooLarge(ex);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // MultipartReader reports a broken body (no closing boundary, oversized headers) this way.
            upload.Dispose();
            throw new UploadRejectedException(StatusCodes.Status400BadRequest, null, $"expected a well-formed multipart/form-data body: {ex.Message}", ex);
        }
        catch
        {
            upload.Dispose();
            throw;
        }
    }

    private static string Boundary(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out MediaTypeHeaderValue? type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new UploadRejectedException(
                StatusCodes.Status415UnsupportedMediaType, null, $"expected Content-Type multipart/form-data, found '{request.ContentType ?? "none"}'.");
        }

        string boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value ?? string.Empty;
        if (boundary.Length is 0 or > 200)
        {
            throw new UploadRejectedException(StatusCodes.Status400BadRequest, null, "expected a multipart boundary of 1 to 200 characters in Content-Type.");
        }

        return boundary;
    }

    private static string FieldName(MultipartSection section)
    {
        if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out ContentDispositionHeaderValue? disposition)
            || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
        {
            throw new UploadRejectedException(StatusCodes.Status400BadRequest, null, "expected every part to have 'Content-Disposition: form-data; name=...'.");
        }

        return name;
    }

    private static async Task<MemoryStream> ReadPartAsync(Stream body, int maxBytes, string field, CancellationToken cancellationToken)
    {
        var part = new MemoryStream();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(CopyChunkBytes);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (part.Length + read > maxBytes)
                {
                    throw new UploadRejectedException(StatusCodes.Status413PayloadTooLarge, field, $"expected a part of at most {maxBytes} bytes, found more.");
                }

                part.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        part.Position = 0;
        return part;
    }

    private static AudioClip DecodeWav(MemoryStream wav)
    {
        try
        {
            return AudioClip.ReadWav(wav);
        }
        catch (InvalidAudioException ex)
        {
            throw new UploadRejectedException(StatusCodes.Status400BadRequest, AudioField, ex.Message, ex);
        }
    }

    private Image<Rgb24> DecodeImage(MemoryStream image, int index)
    {
        try
        {
            return _frameLoader.Load(image);
        }
        catch (InvalidImageException ex)
        {
            throw new UploadRejectedException(StatusCodes.Status400BadRequest, FramesField, $"frame {index + 1}: {ex.Message}", ex);
        }
    }

    private UploadRejectedException TooLarge(Exception? inner = null) => new(
        StatusCodes.Status413PayloadTooLarge, null, $"expected a request of at most {_limits.MaxRequestBytes} bytes, found more.", inner);
}
