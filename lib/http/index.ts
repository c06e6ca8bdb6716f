/** HTTP for the engine: the transport it is given (n8n's helpers or axios) and multipart bodies. */
export { axiosTransport, TransportError } from './transport';
export type { HttpMethod, HttpRequest, HttpResponse, HttpTransport } from './transport';
export { multipartBody } from './multipart';
export type { MultipartBody, MultipartPart } from './multipart';
