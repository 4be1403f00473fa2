/**
 * Images and PDFs between OpenAI's URL form (`data:` URLs and http(s) links in `image_url` / `file`
 * parts) and Anthropic's source objects (`{type:'base64', media_type, data}` / `{type:'url', url}`).
 */
import type { ContentPart } from '../canonical.js';
import { imageMediaTypes } from './api.js';
import type { AnthropicDocumentBlockParam, AnthropicImageBlockParam } from './api.js';

// `s` flag: base64 payloads may be wrapped over several lines.
const dataUrlPattern = /^data:([^;,]+)(?:;[^;,]*)*;base64,(.*)$/s;
const supportedImageTypes: ReadonlySet<string> = new Set(imageMediaTypes);

type ImageSource = AnthropicImageBlockParam['source'];

/** The Anthropic source for an OpenAI image URL, or the reason it cannot be sent. */
export function toAnthropicImageSource(url: string): { source: ImageSource } | { problem: string } {
  const data = dataUrlPattern.exec(url);
  if (data) {
    const mediaType = (data[1] ?? '').toLowerCase();
    if (!isImageMediaType(mediaType)) {
      return { problem: `image type ${mediaType} is not supported by Anthropic (jpeg, png, gif, webp only)` };
    }
    return { source: { type: 'base64', media_type: mediaType, data: data[2] ?? '' } };
  }
  if (/^https?:\/\//i.test(url)) return { source: { type: 'url', url } };
  return { problem: 'an image must be a base64 data: URL or an http(s) URL' };
}

/** The OpenAI `image_url.url` for an Anthropic image source. */
export function toImageUrl(source: ImageSource): string {
  return source.type === 'url' ? source.url : `data:${source.media_type};base64,${source.data}`;
}

/** An OpenAI `file` part holding a base64 PDF becomes an Anthropic document; other files cannot. */
export function toAnthropicDocument(part: ContentPart): AnthropicDocumentBlockParam | undefined {
  const file = 'file' in part && typeof part.file === 'object' && part.file !== null ? part.file : undefined;
  const fileData = file && 'file_data' in file && typeof file.file_data === 'string' ? file.file_data : '';
  const data = dataUrlPattern.exec(fileData);
  if (!data || data[1]?.toLowerCase() !== 'application/pdf') return undefined;
  const filename =
    file && 'filename' in file && typeof file.filename === 'string' ? file.filename : undefined;
  return {
    type: 'document',
    source: { type: 'base64', media_type: 'application/pdf', data: data[2] ?? '' },
    ...(filename === undefined ? {} : { title: filename }),
  };
}

/** The OpenAI `file` part for an Anthropic PDF document. */
export function toFilePart(document: AnthropicDocumentBlockParam): ContentPart {
  return {
    type: 'file',
    file: {
      file_data: `data:application/pdf;base64,${document.source.data}`,
      ...(document.title ? { filename: document.title } : {}),
    },
  };
}

function isImageMediaType(value: string): value is (typeof imageMediaTypes)[number] {
  return supportedImageTypes.has(value);
}
