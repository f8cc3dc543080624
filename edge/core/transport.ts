/**
 * One HTTP request as the camera makes it: a POST of a batch (`body` is bytes when gzipped,
 * text otherwise), or a GET (hazards ahead) with an empty body.
 */
export interface TransportRequest {
  /** POST when absent. */
  method?: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** The answer to a {@link TransportRequest}. Header names are lower-case. */
export interface TransportResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends one request. Rejects (throws) only for network failures; HTTP errors are responses.
 * The local stack and the AWS stack are both reached through this one function.
 */
export type Transport = (req: TransportRequest) => Promise<TransportResponse>;

/** Compresses a request body (gzip), where the runtime has a compressor; QuickJS has none. */
export type Gzip = (text: string) => Uint8Array;
