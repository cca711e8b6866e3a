export { default } from './lifecert-publish.ts';
